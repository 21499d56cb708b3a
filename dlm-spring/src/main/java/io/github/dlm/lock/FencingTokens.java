package io.github.dlm.lock;

/**
 * The layout of the fencing tokens a {@link DlmLockRegistry} issues when
 * {@linkplain DlmLockRegistry#setFencingTokens(boolean) fencing tokens} are on: a positive
 * {@code long} made of an epoch in the high {@value #EPOCH_BITS} bits and a counter in the
 * low {@value #COUNTER_BITS} bits.
 * <p>
 * Every grant of a resource in PW or EX takes the next token of that resource: the last
 * token plus one (a counter that runs over its bits carries into the epoch). The last token
 * lives in the value block of a companion resource that the registry keeps alive with an NL
 * lock. When that block is found lost (zeros: nobody in the cluster kept a lock on the
 * companion) or invalid (the lock manager marked it so in recovery), the epoch is re-seeded
 * with the wall clock in milliseconds of the node that finds it (or one more than the epoch
 * of the last token that registry saw for the resource, or of the token an invalid block
 * still holds, if that is higher) and the counter starts at 0;
 * should that be below a token this JVM issued or read before, for any resource, the token
 * starts just above that one instead. So a re-seeded token exceeds every token issued
 * before by this JVM, and every token issued by other nodes as long as the re-seeding
 * node's clock is ahead of the clock of the node that seeded the previous epoch (at the
 * time it did) and fewer than 2<sup>{@value #COUNTER_BITS}</sup> grants per millisecond
 * were issued since: node clocks must agree to better than the time between the start of
 * an epoch and its loss. Recovery after a node failure keeps the token of the surviving
 * issuer that wrote last (each keeps a copy in its NL lock on the companion), so only
 * tokens the failed node issued after it depend on the clocks.
 * <p>
 * Tokens order the grants of one resource in one lockspace; tokens of different resources
 * are not comparable.
 */
public final class FencingTokens {

	/** Bits of the counter, the low part of a token. */
	public static final int COUNTER_BITS = 21;

	/** Bits of the epoch, the high part of a token (without the sign bit): milliseconds up to the year 2109. */
	public static final int EPOCH_BITS = 63 - COUNTER_BITS;

	private FencingTokens() {
	}

	/**
	 * The epoch of a token: the wall-clock milliseconds at which its resource's tokens were
	 * last re-seeded, plus the carries of the counter since.
	 * @param token a token
	 * @return its epoch
	 */
	public static long epoch(long token) {
		return token >>> COUNTER_BITS;
	}

	/**
	 * The counter of a token: how many grants of its resource were issued in its epoch
	 * before it.
	 * @param token a token
	 * @return its counter
	 */
	public static long counter(long token) {
		return token & ((1L << COUNTER_BITS) - 1);
	}

	/**
	 * The first token of an epoch.
	 * @param epoch the epoch
	 * @return the token
	 */
	static long first(long epoch) {
		return epoch << COUNTER_BITS;
	}

}
