package io.github.dlm.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import io.github.dlm.lock.DlmLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read: every {@code dlm.*} property is there, with a
 * description written by Spring Boot's rules (no leading "The" or "A", "Whether" for
 * booleans, a full stop at the end), and the hand-written additions match the properties.
 */
class DlmAutoConfigurationMetadataTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path ADDITIONAL_METADATA = Path
		.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");

	@Test
	void everyDlmPropertyHasADescription() throws IOException {
		List<Map<String, Object>> dlm = dlmProperties();
		assertThat(dlm).extracting((property) -> property.get("name"))
			.contains("dlm.backend", "dlm.default-mode", "dlm.lockspace.name", "dlm.lockspace.create",
					"dlm.lockspace.permissions", "dlm.lockspace.release-on-shutdown", "dlm.native.library-path",
					"dlm.dispatcher.thread-name", "dlm.registry.expire-unused-after", "dlm.registry.key-strategy",
					"dlm.registry.retain-value-blocks", "dlm.registry.cache-capacity",
					"dlm.registry.warn-held-longer-than", "dlm.annotation.enabled",
					"management.health.dlm.down-on-long-holds", "dlm.registry.fencing-tokens.enabled",
					"dlm.annotation.node-name", "dlm.lock-in-doubt.enabled", "dlm.lock-in-doubt.poll-interval");
		assertThat(dlm).allSatisfy((property) -> assertThat(property.get("description"))
			.as("description of %s", property.get("name"))
			.asString()
			.isNotBlank());
	}

	@Test
	void defaultsAreListed() throws IOException {
		String json = Files.readString(METADATA);
		assertThat(defaultOf(json, "dlm.backend")).isEqualTo("auto");
		assertThat(defaultOf(json, "dlm.default-mode")).isEqualTo("ex");
		assertThat(defaultOf(json, "dlm.lockspace.permissions")).isEqualTo("0600");
		assertThat(defaultOf(json, "dlm.lockspace.create")).isEqualTo(true);
		assertThat(defaultOf(json, "dlm.dispatcher.thread-name")).isEqualTo("dlm-dispatch-");
		assertThat(defaultOf(json, "dlm.registry.retain-value-blocks")).isEqualTo(true);
		assertThat(defaultOf(json, "dlm.registry.fencing-tokens.enabled")).isEqualTo(false);
		assertThat(defaultOf(json, "dlm.registry.cache-capacity")).isEqualTo(DlmLockRegistry.DEFAULT_CACHE_CAPACITY);
		assertThat(defaultOf(json, "management.health.dlm.probe-timeout")).isEqualTo("2s");
		assertThat(defaultOf(json, "dlm.registry.warn-held-longer-than")).isEqualTo("5m");
		assertThat(defaultOf(json, "management.health.dlm.down-on-long-holds")).isEqualTo(false);
		assertThat(defaultOf(json, "dlm.lock-in-doubt.enabled")).isEqualTo(true);
		assertThat(defaultOf(json, "dlm.lock-in-doubt.poll-interval")).isEqualTo("1s");
	}

	@Test
	void descriptionsFollowSpringBootsRules() throws IOException {
		assertThat(dlmProperties()).allSatisfy((property) -> {
			String description = property.get("description").toString();
			assertThat(description).as("description of %s", property.get("name"))
				.doesNotStartWith("The ")
				.doesNotStartWith("A ")
				.endsWith(".");
		});
	}

	@Test
	void booleanDescriptionsStartWithWhether() throws IOException {
		List<Map<String, Object>> booleans = dlmProperties().stream()
			.filter((property) -> "java.lang.Boolean".equals(property.get("type")))
			.toList();
		assertThat(booleans).extracting((property) -> property.get("name"))
			.contains("dlm.lockspace.create", "dlm.lockspace.release-on-shutdown", "dlm.registry.retain-value-blocks",
					"dlm.registry.fencing-tokens.enabled", "dlm.annotation.enabled", "management.health.dlm.enabled",
					"management.health.dlm.down-on-long-holds");
		assertThat(booleans).allSatisfy((property) -> assertThat(property.get("description"))
			.as("description of %s", property.get("name"))
			.asString()
			.startsWith("Whether "));
	}

	@Test
	void additionalMetadataNamesExistingPropertiesAndValidValues() throws IOException {
		String additional = Files.readString(ADDITIONAL_METADATA);
		List<String> names = JsonPath.read(Files.readString(METADATA), "$.properties[*].name");
		List<String> added = JsonPath.read(additional, "$.properties[*].name");
		List<String> hinted = JsonPath.read(additional, "$.hints[*].name");
		assertThat(names).containsAll(added).containsAll(hinted);
		List<String> permissions = JsonPath.read(additional,
				"$.hints[?(@.name == 'dlm.lockspace.permissions')].values[*].value");
		assertThat(permissions).isNotEmpty()
			.allSatisfy((value) -> assertThat(LockspacePermissions.valueOf(value)).hasToString(value));
		assertThat(JsonPath.<List<Object>>read(additional, "$.hints[?(@.name == 'dlm.lockspace.name')].values[*].value"))
			.containsExactly(DlmLockspaceNames.FALLBACK);
	}

	private static List<Map<String, Object>> dlmProperties() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(Files.readString(METADATA), "$.properties[*]");
		return properties.stream()
			.filter((property) -> property.get("name").toString().startsWith("dlm.")
					|| property.get("name").toString().startsWith("management.health.dlm."))
			.toList();
	}

	private static Object defaultOf(String json, String name) {
		List<Object> values = JsonPath.read(json, "$.properties[?(@.name == '" + name + "')].defaultValue");
		assertThat(values).as("default of %s", name).hasSize(1);
		return values.get(0);
	}

}
