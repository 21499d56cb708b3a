package io.github.dlm.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.dlm.core.DlmMode;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmLockRegistries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link DlmLockedContext} in a real application context on the local engine: a
 * {@link DlmLocked @DlmLocked} method reads its lock's fencing token, nested methods read
 * their own, and nothing is bound outside.
 */
class DlmLockedFencingTokenTests {

	private AnnotationConfigApplicationContext context;

	private Ledger ledger;

	@BeforeEach
	void setUp() {
		this.context = DlmLockedTests.context(FencingConfiguration.class);
		this.ledger = this.context.getBean(Ledger.class);
	}

	@AfterEach
	void tearDown() {
		this.context.close();
	}

	@Test
	void aLockedMethodReadsItsTokenAndEachCallGetsAHigherOne() {
		long first = this.ledger.post("a");
		long second = this.ledger.post("a");
		assertThat(first).isPositive();
		assertThat(second).isEqualTo(first + 1);
	}

	@Test
	void nestedMethodsSeeTheirOwnLockAndTheOuterOneAfterwards() {
		long[] tokens = this.ledger.transfer("from", "to");
		assertThat(tokens[2]).as("the outer token again after the inner call").isEqualTo(tokens[0]);
		assertThat(tokens[1]).isNotEqualTo(tokens[0]);
		assertThat(this.ledger.post("from")).isEqualTo(tokens[0] + 1);
		assertThat(this.ledger.post("to")).isEqualTo(tokens[1] + 1);
	}

	@Test
	void aReentrantCallKeepsTheToken() {
		long[] tokens = this.ledger.postTwice("b");
		assertThat(tokens[0]).isEqualTo(tokens[1]);
	}

	@Test
	void aSharedModeHasNoTokenAndNothingIsBoundOutside() {
		assertThatIllegalStateException().isThrownBy(() -> this.ledger.read("c")).withMessageContaining("held in PR");
		assertThatIllegalStateException().isThrownBy(DlmLockedContext::currentFencingToken)
			.withMessageContaining("No @DlmLocked method runs");
	}

	@Test
	void anAsynchronousMethodReadsItsTokenInItsBody() throws Exception {
		long before = this.ledger.post("d");
		assertThat(this.ledger.postLater("d").get(20, TimeUnit.SECONDS)).isEqualTo(before + 1);
	}

	@Configuration(proxyBeanMethods = false)
	static class FencingConfiguration extends DlmLockedTests.DlmConfiguration {

		@Bean(destroyMethod = "close")
		@Override
		DlmLockRegistries dlmLockRegistries(LocalDlmClient client) {
			DlmLockRegistries registries = new DlmLockRegistries(client, "app", LockspaceOptions.DEFAULTS, DlmMode.EX);
			registries.setFencingTokens(true);
			return registries;
		}

		@Bean
		Ledger ledger(ObjectProvider<Ledger> self) {
			return new Ledger(self);
		}

	}

	static class Ledger {

		private final ObjectProvider<Ledger> self;

		Ledger(ObjectProvider<Ledger> self) {
			this.self = self;
		}

		@DlmLocked(key = "#account")
		long post(String account) {
			return DlmLockedContext.currentFencingToken();
		}

		@DlmLocked(key = "#account")
		long[] postTwice(String account) {
			return new long[] { DlmLockedContext.currentFencingToken(), this.self.getObject().post(account) };
		}

		@DlmLocked(key = "#from")
		long[] transfer(String from, String to) {
			long outer = DlmLockedContext.currentFencingToken();
			long inner = this.self.getObject().post(to);
			return new long[] { outer, inner, DlmLockedContext.currentFencingToken() };
		}

		@DlmLocked(key = "#account", mode = DlmMode.PR)
		long read(String account) {
			return DlmLockedContext.currentFencingToken();
		}

		@DlmLocked(key = "#account")
		CompletableFuture<Long> postLater(String account) {
			long token = DlmLockedContext.currentFencingToken();
			return CompletableFuture.supplyAsync(() -> token);
		}

	}

}
