package io.github.dlm.endpoint;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.dlm.autoconfigure.DlmAutoConfiguration;
import io.github.dlm.autoconfigure.DlmEndpointAutoConfiguration;
import io.github.dlm.autoconfigure.DlmLockRegistryAutoConfiguration;
import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.local.LocalDlmClient;
import io.github.dlm.lock.DlmHold;
import io.github.dlm.lock.DlmLock;
import io.github.dlm.lock.DlmLockRegistries;
import io.github.dlm.lock.DlmLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The operator action that releases a lockspace, in a real context on the local engine:
 * absent unless enabled; without force it leaves a lockspace others use; with force the
 * other users lose their locks; the application's own registry of the lockspace is closed
 * and opens it again on next use.
 */
class DlmLockspaceReleaseWebExtensionTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DlmAutoConfiguration.class, DlmLockRegistryAutoConfiguration.class,
				DlmEndpointAutoConfiguration.class))
		.withPropertyValues("dlm.backend=local", "dlm.lockspace.name=orders",
				"management.endpoints.web.exposure.include=dlm");

	@Test
	void isAbsentUnlessEnabled() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(DlmEndpoint.class)
			.doesNotHaveBean(DlmLockspaceReleaseWebExtension.class));
		this.runner.withPropertyValues("dlm.endpoint.release-lockspace.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(DlmLockspaceReleaseWebExtension.class));
	}

	@Test
	void releasesWithoutForceOnlyWhatNobodyElseUsesAndWithForceEndsOtherUsersLocks() {
		this.runner.withPropertyValues("dlm.endpoint.release-lockspace.enabled=true").run((context) -> {
			LocalDlmClient client = (LocalDlmClient) context.getBean(DlmClient.class);
			DlmLockspace otherUser = client.openLockspace("stale", LockspaceOptions.DEFAULTS);
			DlmLockRegistry other = new DlmLockRegistry(otherUser);
			DlmHold othersHold = other.obtain("job").lockAsync().get(30, TimeUnit.SECONDS);
			DlmLockspaceReleaseWebExtension extension = context.getBean(DlmLockspaceReleaseWebExtension.class);

			WebEndpointResponse<DlmLockspaceReleaseWebExtension.Release> kept = extension.release("stale", null);
			assertThat(kept.getStatus()).isEqualTo(200);
			assertThat(kept.getBody()).isEqualTo(new DlmLockspaceReleaseWebExtension.Release("stale", false, false));
			assertThat(client.dump("stale")).as("the other user's lock").hasSize(1);

			WebEndpointResponse<DlmLockspaceReleaseWebExtension.Release> forced = extension.release("stale", true);
			assertThat(forced.getBody()).isEqualTo(new DlmLockspaceReleaseWebExtension.Release("stale", true, false));
			assertThatExceptionOfType(DlmLockspaceNotFoundException.class).as("the lockspace is gone")
				.isThrownBy(() -> client.dump("stale"));
			assertThatIllegalStateException().as("the other user's handle was closed")
				.isThrownBy(() -> other.obtain("job").lockAsync());
			assertThat(othersHold.release()).succeedsWithin(java.time.Duration.ofSeconds(30));
			assertThat(extension.release("stale", true).getStatus()).as("gone").isEqualTo(404);
			assertThat(extension.release("not a name!", false).getStatus()).isEqualTo(400);
		});
	}

	@Test
	void releasingTheApplicationsOwnLockspaceClosesItsRegistryWhichOpensAgainOnNextUse() {
		this.runner.withPropertyValues("dlm.endpoint.release-lockspace.enabled=true").run((context) -> {
			DlmLockRegistries registries = context.getBean(DlmLockRegistries.class);
			DlmLock lock = registries.registry().obtain("order-1");
			lock.lock();
			WebEndpointResponse<DlmLockspaceReleaseWebExtension.Release> released = context
				.getBean(DlmLockspaceReleaseWebExtension.class)
				.release("orders", true);
			assertThat(released.getBody()).isEqualTo(new DlmLockspaceReleaseWebExtension.Release("orders", true, true));
			assertThat(registries.getOpenRegistries()).isEmpty();
			lock.unlock();
			DlmLock again = registries.registry().obtain("order-1");
			assertThat(again.tryLock()).isTrue();
			again.unlock();
		});
	}

}
