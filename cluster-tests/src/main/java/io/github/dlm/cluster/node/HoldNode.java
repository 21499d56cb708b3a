package io.github.dlm.cluster.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import io.github.dlm.core.DlmClient;
import io.github.dlm.core.DlmCompletion;
import io.github.dlm.core.DlmFlag;
import io.github.dlm.core.DlmLockHandle;
import io.github.dlm.core.DlmLockspace;
import io.github.dlm.core.DlmMode;
import io.github.dlm.core.DlmResourceName;
import io.github.dlm.core.LockspaceOptions;
import io.github.dlm.jna.NativeDlmClient;

/**
 * Takes one lock and holds it until told to let go.
 * <p>
 * {@code hold RUNDIR NAME LOCKSPACE RESOURCE MODE}: opens the lockspace, writes
 * {@code RUNDIR/requesting-NAME}, requests MODE and waits for the grant however long it takes,
 * writes {@code RUNDIR/granted-NAME}, waits for {@code RUNDIR/release-NAME}, unlocks and
 * prints {@code RELEASED <status>}.
 */
public final class HoldNode {

	private HoldNode() {
	}

	/**
	 * Entry point.
	 * @param args {@code hold RUNDIR NAME LOCKSPACE RESOURCE MODE}
	 * @throws Exception on any failure, which ends the program with a stack trace
	 */
	public static void main(String[] args) throws Exception {
		if (args.length != 6 || !args[0].equals("hold")) {
			System.err.println("usage: HoldNode hold RUNDIR NAME LOCKSPACE RESOURCE MODE");
			System.exit(2);
		}
		Path runDir = Path.of(args[1]);
		String name = args[2];
		try (DlmClient client = new NativeDlmClient();
				DlmLockspace lockspace = client.openLockspace(args[3], LockspaceOptions.DEFAULTS)) {
			DlmLockHandle lock = lockspace.newLock(DlmResourceName.of(args[4]), null);
			Files.writeString(runDir.resolve("requesting-" + name), "requesting\n");
			DlmCompletion grant = lock.request(DlmMode.valueOf(args[5]), EnumSet.noneOf(DlmFlag.class), null).join();
			if (!grant.isGranted()) {
				throw new IllegalStateException("Request was not granted: " + grant);
			}
			Files.writeString(runDir.resolve("granted-" + name), "granted\n");
			Path release = runDir.resolve("release-" + name);
			while (!Files.exists(release)) {
				TimeUnit.MILLISECONDS.sleep(50);
			}
			DlmCompletion unlocked = lock.unlock(null).get(2, TimeUnit.MINUTES);
			System.out.println("RELEASED " + unlocked.status());
		}
	}

}
