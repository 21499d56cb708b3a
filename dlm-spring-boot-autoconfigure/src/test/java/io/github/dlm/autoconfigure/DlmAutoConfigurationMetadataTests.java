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
 * description.
 */
class DlmAutoConfigurationMetadataTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	@Test
	void everyDlmPropertyHasADescription() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(Files.readString(METADATA), "$.properties[*]");
		List<Map<String, Object>> dlm = properties.stream()
			.filter((property) -> property.get("name").toString().startsWith("dlm.")
					|| property.get("name").toString().startsWith("management.health.dlm."))
			.toList();
		assertThat(dlm).extracting((property) -> property.get("name"))
			.contains("dlm.backend", "dlm.default-mode", "dlm.lockspace.name", "dlm.lockspace.create",
					"dlm.lockspace.permissions", "dlm.lockspace.release-on-shutdown", "dlm.native.library-path",
					"dlm.dispatcher.thread-name", "dlm.registry.expire-unused-after", "dlm.registry.key-strategy",
					"dlm.registry.retain-value-blocks", "dlm.registry.cache-capacity", "dlm.annotation.enabled");
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
		assertThat(defaultOf(json, "dlm.registry.cache-capacity")).isEqualTo(DlmLockRegistry.DEFAULT_CACHE_CAPACITY);
		assertThat(defaultOf(json, "management.health.dlm.probe-timeout")).isEqualTo("2s");
	}

	private static Object defaultOf(String json, String name) {
		List<Object> values = JsonPath.read(json, "$.properties[?(@.name == '" + name + "')].defaultValue");
		assertThat(values).as("default of %s", name).hasSize(1);
		return values.get(0);
	}

}
