package io.github.dlm.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Every {@code dlm.*} property bound and applied, and bad values failing start-up with a
 * message that names the property.
 */
class DlmAutoConfigurationPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmLockedAutoConfiguration.class))
		.withBean(DlmClient.class, () -> new RecordingDlmClient(new LocalDlmClient()));

	@Test
	void defaultsApplyWhenNothingIsSet() {
		this.runner.run((context) -> {
			DlmProperties properties = context.getBean(DlmProperties.class);
			assertThat(properties.getBackend()).isEqualTo(DlmBackend.AUTO);
			assertThat(properties.getDefaultMode()).isEqualTo(DlmMode.EX);
			assertThat(properties.getLockspace().getName()).isNull();
			assertThat(properties.getLockspace().toOptions()).isEqualTo(LockspaceOptions.DEFAULTS);
			assertThat(properties.getDispatcher().getThreadName()).isEqualTo("dlm-dispatch-");
			assertThat(properties.getRegistry().getExpireUnusedAfter()).isNull();
			assertThat(properties.getRegistry().getKeyStrategy()).isEqualTo(DlmProperties.KeyStrategy.UTF8);
			assertThat(properties.getRegistry().isRetainValueBlocks()).isTrue();
			assertThat(properties.getRegistry().getCacheCapacity()).isEqualTo(DlmLockRegistry.DEFAULT_CACHE_CAPACITY);
			assertThat(context.getBean(DlmLockRegistry.class).getCacheCapacity())
				.isEqualTo(DlmLockRegistry.DEFAULT_CACHE_CAPACITY);
			assertThat(context.getBean(DlmLockRegistry.class).isRetainValueBlocks()).isTrue();
			assertThat(properties.getAnnotation().isEnabled()).isTrue();
			lockOnce(context.getBean(DlmLockRegistry.class), "k");
			assertThat(recorder(context).events).startsWith("open spring");
		});
	}

	@Test
	void lockspaceNameComesFromTheApplicationName() {
		this.runner.withPropertyValues("spring.application.name=seat booking").run((context) -> {
			lockOnce(context.getBean(DlmLockRegistry.class), "k");
			assertThat(recorder(context).events).startsWith("open seat-booking");
		});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void startUpSaysWhichBackendAndLockspaceAndWhereTheNameCameFrom(CapturedOutput output) {
		this.runner.withPropertyValues("spring.application.name=My Inventory Service (EU-west) v2").run((context) -> {
			String lockspace = context.getBean(DlmLockRegistries.class).getDefaultLockspace();
			assertThat(lockspace).startsWith("My-Invento-");
			assertThat(output).containsOnlyOnce("DLM locks on the local backend in lockspace '" + lockspace
					+ "' (derived from spring.application.name 'My Inventory Service (EU-west) v2'")
				.contains("set dlm.lockspace.name to choose it");
		});
		this.runner.withPropertyValues("dlm.lockspace.name=inventory")
			.run((context) -> assertThat(output).contains("lockspace 'inventory' (from dlm.lockspace.name)"));
		this.runner.run((context) -> assertThat(output).contains("lockspace 'spring' (the default: neither"));
	}

	@Test
	void lockspaceNamePropertyWinsOverTheApplicationName() {
		this.runner.withPropertyValues("spring.application.name=seats", "dlm.lockspace.name=bookings_1")
			.run((context) -> {
				lockOnce(context.getBean(DlmLockRegistry.class), "k");
				assertThat(recorder(context).events).startsWith("open bookings_1");
			});
	}

	@Test
	void lockspaceOptionsAreBound() {
		// the client alone: with create=false, the registry could not open the missing lockspace
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class))
			.withPropertyValues("dlm.backend=local", "dlm.lockspace.create=false", "dlm.lockspace.permissions=0660",
					"dlm.lockspace.release-on-shutdown=true")
			.run((context) -> assertThat(context.getBean(DlmProperties.class).getLockspace().toOptions())
				.isEqualTo(new LockspaceOptions(false, 0660, true)));
	}

	@Test
	void createFalseWithoutTheLockspaceFailsStartUpNamingTheFix() {
		this.runner.withPropertyValues("dlm.lockspace.create=false", "dlm.lockspace.name=absent").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(DlmLockspaceNotFoundException.class);
			assertThat(new DlmLockspaceNotFoundFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
				.contains("dlm.lockspace.create=true");
		});
	}

	@Test
	void lockspaceOptionsReachTheBackend() {
		// create=true: the local engine creates the lockspace; the options travel as configured
		this.runner.withPropertyValues("dlm.lockspace.permissions=640", "dlm.lockspace.release-on-shutdown=true")
			.run((context) -> {
				lockOnce(context.getBean(DlmLockRegistry.class), "k");
				assertThat(recorder(context).openedOptions).containsExactly(new LockspaceOptions(true, 0640, true));
			});
	}

	@ParameterizedTest
	@CsvSource({ "0600, 384", "600, 384", "0o660, 432", "0, 0", "0777, 511", "755, 493" })
	void permissionsTextIsOctal(String text, int bits) {
		this.runner.withPropertyValues("dlm.lockspace.permissions=" + text)
			.run((context) -> assertThat(context.getBean(DlmProperties.class).getLockspace().getPermissions().bits())
				.isEqualTo(bits));
	}

	@Test
	void unquotedYamlOctalPermissionsAreRead() {
		// YAML 1.1 reads an unquoted 0600 as the number 384, which no octal mode written without its zero gives
		withYaml("permissions-unquoted.yml").run((context) -> {
			assertThat(context.getEnvironment().getProperty("dlm.lockspace.permissions", Object.class)).isEqualTo(384);
			assertThat(context.getBean(DlmProperties.class).getLockspace().getPermissions().bits()).isEqualTo(0600);
		});
	}

	@Test
	void unquotedYamlPermissionsThatCouldMeanTwoModesAreRefused() {
		// unquoted 0660 arrives as 432, exactly as an unquoted 432 (meant as 0432) would
		withYaml("permissions-unquoted-ambiguous.yml").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains("dlm.lockspace.permissions")
				.contains("ambiguous")
				.contains("'0660'")
				.contains("'0432'");
		});
	}

	@ParameterizedTest
	@CsvSource({ "384, 0600", "7, 0007", "0, 0000", "438, 0666" })
	void numericPermissionsThatCanOnlyBeOctalLiteralsAreTheBits(int number, String shown) {
		assertThat(LockspacePermissions.valueOf(number)).hasToString(shown);
	}

	@ParameterizedTest
	@ValueSource(ints = { 440, 432, 420, 10, 511 })
	void numericPermissionsWhoseDigitsAreAllOctalAreRefused(int number) {
		assertThatIllegalArgumentException().isThrownBy(() -> LockspacePermissions.valueOf(number))
			.withMessageContaining("ambiguous")
			.withMessageContaining("'0" + number + "'");
	}

	@Test
	void permissionsAreShownInOctalByJackson() {
		assertThat(JsonMapper.builder().build().writeValueAsString(Map.of("permissions", LockspacePermissions.valueOf("0640"))))
			.isEqualTo("{\"permissions\":\"0640\"}");
	}

	private ApplicationContextRunner withYaml(String resource) {
		return this.runner.withInitializer((context) -> {
			try {
				new YamlPropertySourceLoader().load("permissions", new ClassPathResource(resource, getClass()))
					.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@Test
	void defaultModeIsUsedByObtain() {
		this.runner.withPropertyValues("dlm.default-mode=pr").run((context) -> {
			lockOnce(context.getBean(DlmLockRegistry.class), "shared-key");
			assertThat(recorder(context).events).contains("request PR shared-key");
		});
	}

	@Test
	void keyStrategyHashLongKeysMapsLongKeys() {
		String longKey = "order/".repeat(20);
		this.runner.withPropertyValues("dlm.registry.key-strategy=hash-long-keys").run((context) -> {
			lockOnce(context.getBean(DlmLockRegistry.class), longKey);
			assertThat(recorder(context).events).anyMatch((event) -> event.startsWith("request EX sha256:"));
		});
	}

	@Test
	void keyStrategyUtf8RefusesLongKeys() {
		String longKey = "order/".repeat(20);
		this.runner.run((context) -> assertThat(
				org.assertj.core.api.Assertions.catchThrowable(() -> context.getBean(DlmLockRegistry.class).obtain(longKey)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("64"));
	}

	@Test
	void retainValueBlocksCanBeTurnedOff() {
		this.runner.withPropertyValues("dlm.registry.retain-value-blocks=false")
			.run((context) -> assertThat(context.getBean(DlmLockRegistry.class).isRetainValueBlocks()).isFalse());
	}

	@Test
	void fencingTokensAreOffByDefaultAndCanBeTurnedOn() {
		this.runner.run((context) -> assertThat(context.getBean(DlmLockRegistry.class).isFencingTokens()).isFalse());
		this.runner.withPropertyValues("dlm.registry.fencing-tokens.enabled=true").run((context) -> {
			DlmLockRegistry registry = context.getBean(DlmLockRegistry.class);
			assertThat(registry.isFencingTokens()).isTrue();
			assertThat(context.getBean(DlmLockRegistries.class).registry("other").isFencingTokens()).isTrue();
			DlmLock lock = registry.obtain("k");
			lock.lock();
			try {
				assertThat(lock.fencingToken()).isPositive();
			}
			finally {
				lock.unlock();
			}
		});
	}

	@Test
	void cacheCapacityIsAppliedToEveryRegistry() {
		this.runner.withPropertyValues("dlm.registry.cache-capacity=123").run((context) -> {
			assertThat(context.getBean(DlmLockRegistry.class).getCacheCapacity()).isEqualTo(123);
			assertThat(context.getBean(io.github.dlm.lock.DlmLockRegistries.class).registry("other").getCacheCapacity())
				.isEqualTo(123);
		});
	}

	@Test
	void expireUnusedAfterBelowAMillisecondFailsStartUpNamingThePropertyTheValueAndTheRule() {
		this.runner.withPropertyValues("dlm.registry.expire-unused-after=500us").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure()))
				.contains("Property dlm.registry.expire-unused-after with value 'PT0.0005S' is invalid")
				.contains("at least 1ms");
		});
	}

	@Test
	void expireUnusedAfterTooLongToCountInMillisecondsFailsStartUpNamingTheRule() {
		this.runner.withPropertyValues("dlm.registry.expire-unused-after=200000000000d").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure()))
				.contains("Property dlm.registry.expire-unused-after with value")
				.contains("too long");
		});
	}

	@Test
	void cacheCapacityBelowOneFailsStartUpNamingThePropertyTheValueAndTheRule() {
		this.runner.withPropertyValues("dlm.registry.cache-capacity=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure()))
				.contains("Property dlm.registry.cache-capacity with value '0' is invalid")
				.contains("at least 1");
		});
	}

	@Test
	void expireUnusedAfterStartsTheExpiry() {
		this.runner.withPropertyValues("dlm.registry.expire-unused-after=10m").run((context) -> {
			assertThat(context).hasSingleBean(DlmLockExpiry.class);
			assertThat(context.getBean(DlmLockExpiry.class).getAge()).isEqualTo(Duration.ofMinutes(10));
			assertThat(context.getBean(DlmLockExpiry.class).isRunning()).isTrue();
		});
	}

	@Test
	void noExpiryUnlessConfigured() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(DlmLockExpiry.class));
	}

	@Test
	void expiryDropsUnusedLockObjects() {
		this.runner.withPropertyValues("dlm.registry.expire-unused-after=1h").run((context) -> {
			DlmLockRegistry registry = context.getBean(DlmLockRegistry.class);
			DlmLockExpiry expiry = new DlmLockExpiry(context.getBean(io.github.dlm.lock.DlmLockRegistries.class),
					Duration.ofMillis(1));
			Object first = registry.obtain("expiring");
			lockOnce(registry, "expiring");
			assertThat(registry.obtain("expiring")).isSameAs(first);
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				expiry.expireNow();
				assertThat(registry.obtain("expiring")).isNotSameAs(first);
			});
		});
	}

	@Test
	void annotationCanBeTurnedOff() {
		this.runner.withPropertyValues("dlm.annotation.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(io.github.dlm.aop.DlmLockedAdvisor.class));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "dlm.lockspace.name=a/b | dlm.lockspace.name",
			"dlm.lockspace.name=abcdefghijklmnopqrst | dlm.lockspace.name",
			"dlm.lockspace.permissions=1000 | dlm.lockspace.permissions",
			"dlm.lockspace.permissions=0800 | dlm.lockspace.permissions",
			"dlm.lockspace.permissions=rw-r----- | dlm.lockspace.permissions",
			"dlm.backend=kernel | dlm.backend", "dlm.default-mode=XX | dlm.default-mode",
			"dlm.registry.expire-unused-after=-5s | dlm.registry.expire-unused-after",
			"dlm.registry.expire-unused-after=0s | dlm.registry.expire-unused-after",
			"dlm.registry.expire-unused-after=500us | dlm.registry.expire-unused-after",
			"dlm.registry.expire-unused-after=200000000000d | dlm.registry.expire-unused-after",
			"dlm.registry.cache-capacity=0 | dlm.registry.cache-capacity",
			"dlm.registry.cache-capacity=-1 | dlm.registry.cache-capacity",
			"dlm.registry.cache-capacity=lots | dlm.registry.cache-capacity",
			"dlm.registry.cache-capacity=99999999999 | dlm.registry.cache-capacity",
			"dlm.registry.key-strategy=md5 | dlm.registry.key-strategy",
			"dlm.native.library-path= | dlm.native.library-path", "dlm.dispatcher.thread-name= | dlm.dispatcher.thread-name",
			"dlm.lockspace.create=maybe | dlm.lockspace.create" })
	void badValueFailsStartUpNamingTheProperty(String property, String name) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains(name);
		});
	}

	@Test
	void badLockspaceNameSaysWhatIsValid() {
		this.runner.withPropertyValues("dlm.lockspace.name=orders/eu").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure()))
				.contains("Property dlm.lockspace.name with value 'orders/eu' is invalid")
				.contains("1..19 characters from [A-Za-z0-9_-]");
		});
	}

	@Test
	void permissionsOutOfRangeSaysHowToWriteThem() {
		this.runner.withPropertyValues("dlm.lockspace.permissions=1777").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.messages(context.getStartupFailure())).contains("dlm.lockspace.permissions")
				.contains("0..0777");
		});
	}

	private static RecordingDlmClient recorder(org.springframework.context.ApplicationContext context) {
		return (RecordingDlmClient) context.getBean(DlmClient.class);
	}

	private static void lockOnce(DlmLockRegistry registry, Object key) {
		java.util.concurrent.locks.Lock lock = registry.obtain(key);
		lock.lock();
		lock.unlock();
	}

}
