package io.github.dlm.cluster.workload;

import org.jspecify.annotations.Nullable;

/**
 * One measured hold of the lock by a client: from its {@code grant} stamp to its
 * {@code release} stamp, or, when the client died holding it, to the last stamp it recorded
 * in that iteration. Either way the measured hold lies inside the real one.
 * @param client the client
 * @param iteration the client's iteration
 * @param grantNanos host time of the grant stamp
 * @param endNanos host time of the release stamp, or of the iteration's last stamp
 * @param released whether the client recorded the release
 * @param readNanos host time of the counter's read stamp, or 0 if the client recorded none
 * @param written the counter value written and acknowledged in this hold, or {@code null}
 * @param writeNanos host time of the write's acknowledgement, or 0
 */
public record Hold(String client, long iteration, long grantNanos, long endNanos, boolean released, long readNanos,
		@Nullable Long written, long writeNanos) {

	/**
	 * Whether this hold and another overlap for a measurable time (equal stamps do not count:
	 * the host's coarse clock cannot order them).
	 * @param other another hold
	 * @return {@code true} if both were held at once
	 */
	public boolean overlaps(Hold other) {
		return this.grantNanos < other.endNanos && other.grantNanos < this.endNanos;
	}

	@Override
	public String toString() {
		return this.client + "#" + this.iteration + "[" + this.grantNanos + ".." + this.endNanos
				+ (this.released ? "" : " (died holding)") + "]";
	}

}
