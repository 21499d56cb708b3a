package io.github.dlm;

import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@linkplain ArchitectureRules architecture rules} on the library's production code:
 * every {@code io.github.dlm} class of the library modules, which this module's test class
 * path holds. {@code ArchitectureRulesTests} shows that each rule can fail.
 * <p>
 * Plain JUnit tests rather than ArchUnit's {@code @ArchTest} fields: Surefire 3.5.3 runs
 * no {@code @ArchTest} field (TNG/ArchUnit#1442).
 */
class ArchitectureTests {

	private static final String ROOT = "io.github.dlm";

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(ROOT);

	@Test
	void everyLibraryModuleIsImported() {
		assertThat(Stream.of("core", "local", "caching", "contract", "jna", "lock", "aop", "autoconfigure", "health"))
			.allSatisfy((layer) -> assertThat(LIBRARY.containPackage(ROOT + "." + layer)).as(layer).isTrue());
	}

	@Test
	void lowerLayersDoNotUseUpperOnes() {
		ArchitectureRules.layers(ROOT).check(LIBRARY);
	}

	@Test
	void engineAndBackendsUseNoSpring() {
		ArchitectureRules.engineWithoutSpring(ROOT).check(LIBRARY);
	}

	@Test
	void springLayerUsesNoBoot() {
		ArchitectureRules.springLayerWithoutBoot(ROOT).check(LIBRARY);
	}

	@Test
	void packagesHaveNoCycles() {
		ArchitectureRules.noPackageCycles(ROOT).check(LIBRARY);
	}

	@Test
	void autoConfigurationsAreFinal() {
		ArchitectureRules.autoConfigurationsAreFinal().check(LIBRARY);
	}

	@Test
	void autoConfigurationsOnlyOrderEachOther() {
		ArchitectureRules.autoConfigurationsOnlyOrderEachOther().check(LIBRARY);
	}

}
