package io.github.dlm;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.springframework.boot.autoconfigure.AutoConfiguration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The library's architecture as ArchUnit rules. The rules name packages below a root
 * package, {@code io.github.dlm} for the library itself, so that
 * {@code ArchitectureRulesTests} can show each of them failing on a small set of classes
 * below another root that breaks it.
 */
final class ArchitectureRules {

	private static final String CORE = "core";

	private static final String LOCAL = "local";

	private static final String CACHING = "caching";

	private static final String JNA = "jna";

	private static final String LOCK = "lock";

	private static final String AOP = "aop";

	private static final String AUTOCONFIGURE = "autoconfigure";

	private static final String HEALTH = "health";

	private static final String ENDPOINT = "endpoint";

	private static final String CONTRACT = "contract";

	private ArchitectureRules() {
	}

	/**
	 * The layers, lowest first: {@code core} (the vocabulary and the SPI); the backends
	 * {@code local} and {@code jna}, which do not know each other; {@code caching}, the
	 * node-level cache over any backend, which runs its local holders on {@code local};
	 * {@code lock};
	 * {@code aop}; and, on top, {@code autoconfigure}, {@code health} and {@code endpoint}, which nothing in
	 * the library uses. A layer is used only by the layers above it, and the backends only
	 * by the auto-configuration, which chooses one: the Spring layer works with any
	 * {@code DlmClient}. The backend contract suite ({@code contract}) stands beside them,
	 * on {@code core} alone, and nothing uses it. Every class belongs to a layer, so a new
	 * package has to be placed.
	 * @param root the package whose subpackages are the layers
	 * @return the rule
	 */
	static LayeredArchitecture layers(String root) {
		return layeredArchitecture().consideringOnlyDependenciesInLayers()
			.ensureAllClassesAreContainedInArchitecture()
			.layer(CORE).definedBy(root + ".core..")
			.layer(LOCAL).definedBy(root + ".local..")
			.layer(CACHING).definedBy(root + ".caching..")
			.layer(JNA).definedBy(root + ".jna..")
			.layer(LOCK).definedBy(root + ".lock..")
			.layer(AOP).definedBy(root + ".aop..")
			.layer(AUTOCONFIGURE).definedBy(root + ".autoconfigure..")
			.layer(HEALTH).definedBy(root + ".health..")
			.optionalLayer(ENDPOINT).definedBy(root + ".endpoint..")
			.optionalLayer(CONTRACT).definedBy(root + ".contract..")
			.whereLayer(LOCAL).mayOnlyBeAccessedByLayers(CACHING, AUTOCONFIGURE)
			.whereLayer(CACHING).mayOnlyBeAccessedByLayers(AUTOCONFIGURE, HEALTH, ENDPOINT)
			.whereLayer(JNA).mayOnlyBeAccessedByLayers(AUTOCONFIGURE)
			.whereLayer(LOCK).mayOnlyBeAccessedByLayers(AOP, AUTOCONFIGURE, HEALTH, ENDPOINT)
			.whereLayer(AOP).mayOnlyBeAccessedByLayers(AUTOCONFIGURE)
			.whereLayer(HEALTH).mayOnlyBeAccessedByLayers(AUTOCONFIGURE)
			.whereLayer(ENDPOINT).mayOnlyBeAccessedByLayers(AUTOCONFIGURE)
			.whereLayer(AUTOCONFIGURE).mayNotBeAccessedByAnyLayer()
			.whereLayer(CONTRACT).mayNotBeAccessedByAnyLayer()
			.as("layers of " + root + ": core < local < caching, jna < lock < aop < autoconfigure, health, endpoint");
	}

	/**
	 * The engine, the backends and the backend contract suite use no Spring at all.
	 * @param root the package whose subpackages are the layers
	 * @return the rule
	 */
	static ArchRule engineWithoutSpring(String root) {
		return noClasses().that()
			.resideInAnyPackage(root + ".core..", root + ".local..", root + ".caching..", root + ".jna..",
					root + ".contract..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..")
			.because("the engine and the backends serve users without Spring");
	}

	/**
	 * The Spring layer uses Spring, not Spring Boot.
	 * @param root the package whose subpackages are the layers
	 * @return the rule
	 */
	static ArchRule springLayerWithoutBoot(String root) {
		return noClasses().that()
			.resideInAnyPackage(root + ".lock..", root + ".aop..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.boot..")
			.because("the registry and @DlmLocked serve plain Spring applications; only the "
					+ "auto-configuration is Boot's");
	}

	/**
	 * No cycles between the packages right below the root (with their subpackages).
	 * @param root the package whose subpackages are compared
	 * @return the rule
	 */
	static ArchRule noPackageCycles(String root) {
		return slices().matching(root + ".(*)..").should().beFreeOfCycles();
	}

	/**
	 * Auto-configuration classes are final, as Spring Boot's own are: they are not an API
	 * to extend.
	 * @return the rule
	 */
	static ArchRule autoConfigurationsAreFinal() {
		return classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.haveModifier(JavaModifier.FINAL)
			.because("auto-configurations are not an API to extend (Spring Boot's house style)");
	}

	/**
	 * Auto-configuration classes (with their nested classes) know each other only for
	 * ordering ({@code after}, {@code before}): none calls into another or reads its fields.
	 * @return the rule
	 */
	static ArchRule autoConfigurationsOnlyOrderEachOther() {
		return classes().should(new NotAccessingOtherAutoConfigurations())
			.because("each auto-configuration stands on its own and is ordered, not called, by the others");
	}

	/**
	 * Reports the accesses (calls, field accesses, method references) from one
	 * auto-configuration class, or a class nested in it, to another.
	 */
	private static final class NotAccessingOtherAutoConfigurations extends ArchCondition<JavaClass> {

		NotAccessingOtherAutoConfigurations() {
			super("not access another auto-configuration");
		}

		@Override
		public void check(JavaClass javaClass, ConditionEvents events) {
			JavaClass origin = topLevel(javaClass);
			if (!origin.isAnnotatedWith(AutoConfiguration.class)) {
				return;
			}
			for (JavaAccess<?> access : javaClass.getAccessesFromSelf()) {
				JavaClass target = topLevel(access.getTargetOwner());
				if (!target.equals(origin) && target.isAnnotatedWith(AutoConfiguration.class)) {
					events.add(SimpleConditionEvent.violated(access, access.getDescription()));
				}
			}
		}

		private static JavaClass topLevel(JavaClass javaClass) {
			JavaClass topLevel = javaClass;
			while (topLevel.getEnclosingClass().isPresent()) {
				topLevel = topLevel.getEnclosingClass().get();
			}
			return topLevel;
		}

	}

}
