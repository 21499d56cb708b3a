package io.github.dlm;

import java.util.List;
import java.util.function.Predicate;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import io.github.dlm.archfixture.autoconfig.FirstAutoConfiguration;
import io.github.dlm.archfixture.autoconfig.SecondAutoConfiguration;
import io.github.dlm.archfixture.autoconfig.ThirdAutoConfiguration;
import io.github.dlm.archfixture.cycle.first.First;
import io.github.dlm.archfixture.cycle.second.Second;
import io.github.dlm.archfixture.layers.aop.Interceptor;
import io.github.dlm.archfixture.layers.autoconfigure.Settings;
import io.github.dlm.archfixture.layers.core.Vocabulary;
import io.github.dlm.archfixture.layers.health.Indicator;
import io.github.dlm.archfixture.layers.jna.NativeEngine;
import io.github.dlm.archfixture.layers.local.LocalEngine;
import io.github.dlm.archfixture.layers.lock.Registry;
import io.github.dlm.archfixture.layers.stray.Stray;
import io.github.dlm.archfixture.spring.aop.UsesSpringAop;
import io.github.dlm.archfixture.spring.core.UsesSpring;
import io.github.dlm.archfixture.spring.jna.UsesSpringLifecycle;
import io.github.dlm.archfixture.spring.lock.UsesBoot;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each {@linkplain ArchitectureRules architecture rule} fails on a set of classes that
 * breaks it ({@code io.github.dlm.archfixture}), naming what broke it and nothing that did
 * not: the rules that pass on the library are not vacuous.
 */
class ArchitectureRulesTests {

	private static final String FIXTURES = "io.github.dlm.archfixture";

	@Test
	void layersReportEachUpwardUseAndAClassOutsideTheLayers() {
		String root = FIXTURES + ".layers";
		List<String> violations = violations(ArchitectureRules.layers(root).withOptionalLayers(true), root);
		assertThat(violations).anyMatch(uses(Vocabulary.class, Registry.class))
			.anyMatch(uses(LocalEngine.class, NativeEngine.class))
			.anyMatch(uses(Registry.class, Settings.class))
			.anyMatch(uses(Interceptor.class, Indicator.class))
			.anyMatch((violation) -> violation.contains(Stray.class.getName()))
			.noneMatch(uses(Registry.class, Vocabulary.class))
			.noneMatch(uses(LocalEngine.class, Vocabulary.class))
			.noneMatch(uses(Interceptor.class, Registry.class))
			.noneMatch(uses(Settings.class, LocalEngine.class));
	}

	@Test
	void engineWithoutSpringReportsTheCoreAndBackendsUsingSpring() {
		String root = FIXTURES + ".spring";
		List<String> violations = violations(ArchitectureRules.engineWithoutSpring(root), root);
		assertThat(violations).anyMatch((violation) -> violation.contains(UsesSpring.class.getName()))
			.anyMatch((violation) -> violation.contains(UsesSpringLifecycle.class.getName()))
			.noneMatch((violation) -> violation.contains(UsesBoot.class.getName()));
	}

	@Test
	void springLayerWithoutBootReportsBootButNotSpring() {
		String root = FIXTURES + ".spring";
		List<String> violations = violations(ArchitectureRules.springLayerWithoutBoot(root), root);
		assertThat(violations).anyMatch((violation) -> violation.contains(UsesBoot.class.getName())
				&& violation.contains("org.springframework.boot.SpringBootVersion"))
			.noneMatch((violation) -> violation.contains("org.springframework.util.Assert"))
			.noneMatch((violation) -> violation.contains(UsesSpringAop.class.getName()));
	}

	@Test
	void noPackageCyclesReportsACycle() {
		String root = FIXTURES + ".cycle";
		List<String> violations = violations(ArchitectureRules.noPackageCycles(root), root);
		assertThat(violations).anyMatch(uses(First.class, Second.class)).anyMatch(uses(Second.class, First.class));
	}

	@Test
	void autoConfigurationsAreFinalReportsOneThatIsNot() {
		String root = FIXTURES + ".autoconfig";
		List<String> violations = violations(ArchitectureRules.autoConfigurationsAreFinal(), root);
		assertThat(violations).hasSize(1).first().asString().contains(FirstAutoConfiguration.class.getName());
	}

	@Test
	void autoConfigurationsOnlyOrderEachOtherReportsCallsButNotOrdering() {
		String root = FIXTURES + ".autoconfig";
		List<String> violations = violations(ArchitectureRules.autoConfigurationsOnlyOrderEachOther(), root);
		assertThat(violations).hasSize(2)
			.anyMatch(uses(SecondAutoConfiguration.class, FirstAutoConfiguration.class))
			.anyMatch(uses(SecondAutoConfiguration.Nested.class, FirstAutoConfiguration.class))
			.noneMatch((violation) -> violation.contains(ThirdAutoConfiguration.class.getName()));
	}

	private static List<String> violations(ArchRule rule, String root) {
		JavaClasses classes = new ClassFileImporter().importPackages(root);
		return rule.evaluate(classes).getFailureReport().getDetails();
	}

	/** A violation with a line naming a use of {@code target} by {@code origin}. */
	private static Predicate<String> uses(Class<?> origin, Class<?> target) {
		String user = "<" + origin.getName() + ".";
		String used = "<" + target.getName();
		return (violation) -> violation.lines()
			.anyMatch((line) -> line.contains(user) && line.indexOf(user) < line.lastIndexOf(used));
	}

}
