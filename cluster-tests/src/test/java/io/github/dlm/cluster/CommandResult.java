package io.github.dlm.cluster;

/**
 * What a command run on a cluster node produced.
 * @param node the node it ran on
 * @param command the command
 * @param exitCode its exit code (124: timed out, 125: the node died while it ran)
 * @param stdout its standard output
 * @param stderr its standard error
 */
public record CommandResult(int node, String command, int exitCode, String stdout, String stderr) {

	/**
	 * Whether the command exited with 0.
	 * @return {@code true} on success
	 */
	public boolean succeeded() {
		return this.exitCode == 0;
	}

	/**
	 * A description for assertion messages: node, command, exit code and both outputs.
	 * @return the description
	 */
	public String describe() {
		return "node " + this.node + " ran [" + this.command + "] -> exit " + this.exitCode + "\n--- stdout\n"
				+ this.stdout + "--- stderr\n" + this.stderr;
	}

}
