package io.github.dlm.lock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How keys become resource names, in both built-in {@link DlmKeyStrategy strategies}:
 * equal keys name one resource (arrays, sets and maps by content), keys whose text is
 * an identity string are refused, and text that has no UTF-8 form is refused rather than
 * merged with other keys.
 */
class DlmKeyStrategyTests {

	private static final long TIMEOUT_SECONDS = 20;

	private LocalDlmClient client;

	private DlmLockspace lockspace;

	private ExecutorService executor;

	@BeforeEach
	void setUp() {
		this.client = new LocalDlmClient();
		this.lockspace = this.client.openLockspace("keys", LockspaceOptions.DEFAULTS);
		this.executor = Executors.newCachedThreadPool();
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		this.client.close();
	}

	static Stream<DlmKeyStrategy> strategies() {
		return Stream.of(DlmKeyStrategy.utf8(), DlmKeyStrategy.hashingLongKeys());
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void equalByteArraysAreOneLockNamedByTheirBytes(DlmKeyStrategy strategy) throws Exception {
		DlmLockRegistry registry = registry(strategy);
		DlmLock first = registry.obtain(new byte[] { 1, 2, 3 });
		DlmLock second = registry.obtain(new byte[] { 1, 2, 3 });
		assertThat(first.getResourceName()).containsExactly(1, 2, 3);
		assertThat(second).isSameAs(first);
		first.lock();
		try {
			assertThat(tryLockElsewhere(registry.obtain(new byte[] { 1, 2, 3 }))).isFalse();
			assertThat(tryLockElsewhere(registry.obtain(new byte[] { 1, 2, 4 }))).isTrue();
		}
		finally {
			first.unlock();
		}
		assertThat(registry.toResourceName("orders".getBytes(StandardCharsets.UTF_8)))
			.as("a byte[] key is the resource name itself, the same as the text it encodes")
			.isEqualTo(registry.toResourceName("orders"));
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void otherArraysAreNamedByTheirElementsDeeply(DlmKeyStrategy strategy) {
		DlmLockRegistry registry = registry(strategy);
		assertThat(name(registry, new int[] { 1, 2 })).isEqualTo("[1, 2]");
		assertThat(name(registry, new long[] { 7 })).isEqualTo(name(registry, new long[] { 7 }));
		assertThat(name(registry, new String[][] { { "a", "b" }, { "c" } })).isEqualTo("[[a, b], [c]]");
		assertThat(name(registry, new Object[] { "id", new byte[] { 1, 2 }, null })).isEqualTo("[id, [1, 2], null]");
		assertThat(name(registry, new char[] { 'x', 'y' })).isEqualTo("[x, y]");
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void keysWhoseTextIsAnIdentityStringAreRefusedNamingTheTypeAndTheFix(DlmKeyStrategy strategy) {
		DlmLockRegistry registry = registry(strategy);
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(new NoToString()))
			.withMessageContaining(NoToString.class.getName())
			.withMessageContaining("toString()")
			.withMessageContaining("String key");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(new Object()))
			.withMessageContaining("java.lang.Object");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain((Runnable) () -> {
		})).withMessageContaining("toString()");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(new Object[] { "a", new NoToString() }))
			.withMessageContaining(NoToString.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(List.of(new NoToString())))
			.withMessageContaining(NoToString.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(Optional.of(new NoToString())))
			.withMessageContaining(NoToString.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(new SuperToString("a")))
			.as("a toString() that includes Object's identity string")
			.withMessageContaining(SuperToString.class.getName());
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void valueKeysUseTheirText(DlmKeyStrategy strategy) {
		DlmLockRegistry registry = registry(strategy);
		UUID id = UUID.randomUUID();
		assertThat(name(registry, 42L)).isEqualTo("42");
		assertThat(name(registry, DlmMode.PR)).isEqualTo("PR");
		assertThat(name(registry, id)).isEqualTo(id.toString());
		assertThat(name(registry, new OrderKey(7))).isEqualTo("order:7");
		assertThat(name(registry, new Point(1, 2))).isEqualTo("Point[x=1, y=2]");
		assertThat(name(registry, new StringBuilder("sb"))).isEqualTo("sb");
		assertThat(name(registry, List.of("a", 1))).isEqualTo("[a, 1]");
		assertThat(name(registry, Optional.of(new byte[] { 5 }))).isEqualTo("Optional[[5]]");
		assertThat(name(registry, Optional.empty())).isEqualTo("Optional.empty");
		assertThat(name(registry, new ArrayList<>(List.of(new int[] { 3 })))).isEqualTo("[[3]]");
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void equalSetsAndMapsNameOneResourceWhateverTheirIterationOrder(DlmKeyStrategy strategy) {
		DlmLockRegistry registry = registry(strategy);
		Set<String> small = new HashSet<>();
		Set<String> large = new HashSet<>(4096);
		Map<String, Integer> smallMap = new HashMap<>();
		Map<String, Integer> largeMap = new HashMap<>(4096);
		for (int i = 0; i < 12; i++) {
			small.add("k" + (i * 37));
			large.add("k" + (i * 37));
			smallMap.put("k" + (i * 37), i);
			largeMap.put("k" + (i * 37), i);
		}
		assertThat(small).isEqualTo(large);
		assertThat(List.copyOf(small)).as("equal sets iterating in different orders").isNotEqualTo(List.copyOf(large));
		assertThat(List.copyOf(smallMap.keySet())).isNotEqualTo(List.copyOf(largeMap.keySet()));
		DlmKeyStrategy hashing = DlmKeyStrategy.hashingLongKeys();
		assertThat(hashing.toResourceName(small)).isEqualTo(hashing.toResourceName(large));
		assertThat(hashing.toResourceName(smallMap)).isEqualTo(hashing.toResourceName(largeMap))
			.isEqualTo(hashing.toResourceName(new TreeMap<>(largeMap)));
		assertThat(name(registry, Set.of("b", "a"))).isEqualTo("[a, b]");
		assertThat(name(registry, Map.of("b", 2, "a", 1))).isEqualTo("{a=1, b=2}");
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void textWithoutAUtf8FormIsRefusedRatherThanMergedWithOtherKeys(DlmKeyStrategy strategy) {
		DlmLockRegistry registry = registry(strategy);
		// String.getBytes(UTF_8) turns every unpaired surrogate into '?': three different
		// keys would name one resource
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain("a\uD800"))
			.withMessageContaining("unpaired surrogate")
			.withMessageContaining("index 1");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain("\uDC00b"))
			.withMessageContaining("unpaired surrogate");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(new StringBuilder("x\uD83D")))
			.withMessageContaining("unpaired surrogate");
		assertThat(registry.toResourceName("\uD83D\uDD12")).as("a surrogate pair is one character, 4 bytes")
			.hasSize(4);
		assertThat(registry.toResourceName("a?")).isEqualTo(new byte[] { 'a', '?' });
	}

	@Test
	void byteArrayKeysLongerThanTheLimitAreRefusedOrHashed() {
		DlmLockRegistry registry = registry(DlmKeyStrategy.utf8());
		byte[] bytes = new byte[65];
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(bytes))
			.withMessageContaining("65 bytes")
			.withMessageContaining("byte[]");
		assertThat(registry.obtain(new byte[64]).getResourceName()).hasSize(64);
		registry.setKeyStrategy(DlmKeyStrategy.hashingLongKeys());
		assertThat(new String(registry.toResourceName(bytes), StandardCharsets.US_ASCII)).startsWith("sha256:")
			.hasSize(64);
		assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(new byte[0])).withMessageContaining("empty");
	}

	private DlmLockRegistry registry(DlmKeyStrategy strategy) {
		DlmLockRegistry registry = new DlmLockRegistry(this.lockspace);
		registry.setKeyStrategy(strategy);
		return registry;
	}

	private static String name(DlmLockRegistry registry, Object key) {
		return new String(registry.toResourceName(key), StandardCharsets.UTF_8);
	}

	private boolean tryLockElsewhere(DlmLock lock) throws Exception {
		return CompletableFuture.supplyAsync(() -> {
			if (lock.tryLock()) {
				lock.unlock();
				return true;
			}
			return false;
		}, this.executor).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	static final class NoToString {

	}

	static final class SuperToString {

		private final String name;

		SuperToString(String name) {
			this.name = name;
		}

		@Override
		public String toString() {
			return super.toString() + "[" + this.name + "]";
		}

	}

	record OrderKey(long id) {

		@Override
		public String toString() {
			return "order:" + this.id;
		}

	}

	record Point(int x, int y) {

	}

}
