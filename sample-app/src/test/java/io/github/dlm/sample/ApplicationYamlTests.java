package io.github.dlm.sample;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code application.yml} says it shows every property of the starter with its
 * default, commented out: this holds it to that against the starter's configuration
 * metadata, so a new property or a changed default cannot leave it behind.
 */
class ApplicationYamlTests {

	// "  # key: value  # why" -> "  key: value  # why"; lines further right continue an explanation
	private static final Pattern COMMENTED_ENTRY = Pattern.compile("(?m)^( {0,8})# (\\s*[a-z-]+:.*)$");

	@Test
	void showsEveryPropertyOfTheStarter() throws IOException {
		Map<String, String> shown = new TreeMap<>(properties(false));
		shown.putAll(properties(true));
		assertThat(shown.keySet()).containsAll(starterDefaults().keySet());
	}

	@Test
	void showsTheDefaultOfEveryPropertyItLeavesCommented() throws IOException {
		Map<String, String> defaults = starterDefaults();
		Map<String, String> commented = properties(true).entrySet()
			.stream()
			.filter((entry) -> defaults.get(entry.getKey()) != null)
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
		assertThat(commented).isNotEmpty();
		commented.forEach((name, value) -> assertThat(value).as(name).isEqualTo(defaults.get(name)));
	}

	/** The file's entries; {@code commentedOnly}: those it shows commented out, as defaults. */
	private static Map<String, String> properties(boolean commentedOnly) throws IOException {
		String text = new ClassPathResource("application.yml").getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
		Map<String, String> active = flatten(new Yaml().load(text));
		Map<String, String> all = flatten(new Yaml().load(COMMENTED_ENTRY.matcher(text).replaceAll("$1$2")));
		if (!commentedOnly) {
			return all;
		}
		all.keySet().removeAll(active.keySet());
		return all;
	}

	/** Every {@code dlm.*} and {@code management.health.dlm.*} property with its default, or {@code null}. */
	private static Map<String, String> starterDefaults() throws IOException {
		Map<String, String> defaults = new TreeMap<>();
		for (var resource : new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
			.getResources("classpath*:META-INF/spring-configuration-metadata.json")) {
			try (InputStream in = resource.getInputStream()) {
				for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
					String name = property.path("name").asString();
					if (name.startsWith("dlm.") || name.startsWith("management.health.dlm.")) {
						JsonNode value = property.get("defaultValue");
						defaults.put(name, (value != null) ? value.asString() : null);
					}
				}
			}
		}
		assertThat(defaults).as("the starter's configuration metadata").isNotEmpty();
		return defaults;
	}

	private static Map<String, String> flatten(Map<String, Object> tree) {
		Map<String, String> flat = new LinkedHashMap<>();
		flatten("", tree, flat);
		return flat;
	}

	@SuppressWarnings("unchecked")
	private static void flatten(String prefix, Map<String, Object> tree, Map<String, String> flat) {
		tree.forEach((key, value) -> {
			if (value instanceof Map<?, ?> map) {
				flatten(prefix + key + ".", (Map<String, Object>) map, flat);
			}
			else {
				flat.put(prefix + key, String.valueOf(value));
			}
		});
	}

}
