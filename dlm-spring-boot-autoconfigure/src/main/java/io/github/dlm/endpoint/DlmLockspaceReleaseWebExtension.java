package io.github.dlm.endpoint;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import io.github.dlm.core.DlmLockspaceNotFoundException;
import io.github.dlm.lock.DlmLockRegistries;

/**
 * An operator action on the {@link DlmEndpoint}, over HTTP only:
 * {@code DELETE /actuator/dlm/{lockspace}} releases a lockspace on this node
 * ({@code dlm_release_lockspace}), {@code ?force=true} even while locks exist in it.
 * <b>Dangerous</b>: this application's own locks in the lockspace end, and with
 * {@code force} every other user of the lockspace on this node loses its locks too. Only
 * present when {@code dlm.endpoint.release-lockspace.enabled=true}.
 */
@EndpointWebExtension(endpoint = DlmEndpoint.class)
public class DlmLockspaceReleaseWebExtension {

	private final DlmLockRegistries registries;

	/**
	 * Creates the extension.
	 * @param registries the registries whose client releases the lockspace
	 */
	public DlmLockspaceReleaseWebExtension(DlmLockRegistries registries) {
		this.registries = registries;
	}

	/**
	 * Releases a lockspace on this node.
	 * @param lockspace the lockspace name
	 * @param force whether to remove it even while locks exist in it ({@code false} unless
	 * given)
	 * @return 200 with what was done, 404 if no such lockspace exists, 400 if the name is
	 * invalid, 501 if the backend cannot release lockspaces
	 */
	@DeleteOperation
	public WebEndpointResponse<Release> release(@Selector String lockspace, @Nullable Boolean force) {
		boolean forced = Boolean.TRUE.equals(force);
		try {
			boolean used = this.registries.releaseLockspace(lockspace, forced);
			return new WebEndpointResponse<>(new Release(lockspace, forced, used));
		}
		catch (DlmLockspaceNotFoundException ex) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (IllegalArgumentException ex) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		catch (UnsupportedOperationException ex) {
			return new WebEndpointResponse<>(501);
		}
	}

	/**
	 * What a release did.
	 *
	 * @param lockspace the lockspace released
	 * @param force whether it was forced
	 * @param wasOpen whether this application had it open (its registry of the lockspace
	 * was closed; the lockspace opens again on next use)
	 */
	public record Release(String lockspace, boolean force, boolean wasOpen) {
	}

}
