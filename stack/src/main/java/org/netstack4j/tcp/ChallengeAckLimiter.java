package org.netstack4j.tcp;

import java.util.random.RandomGenerator;

/**
 * The stack-wide challenge ACK budget of RFC 5961 section 7 ("ACK throttling"), in the manner of Linux's
 * tcp_challenge_ack_limit: a budget per one-second slot of the stack clock. Like Linux since the fix for
 * CVE-2016-5696 the budget of each slot is drawn at random from [limit/2, limit*3/2), so that an off-path
 * attacker cannot count the challenge ACKs of other connections to learn whether its guess was in window.
 * The random source is the stack's seeded one, so tests are repeatable.
 */
final class ChallengeAckLimiter {
    private static final long SLOT = 1_000_000_000L;
    private final int limit;
    private final RandomGenerator random;
    private long slot = Long.MIN_VALUE;
    private int left;

    /** A limiter allowing about {@code perSecond} challenge ACKs a second; {@link TcpRobustness#UNLIMITED}: no limit. */
    ChallengeAckLimiter(int perSecond, RandomGenerator random) {
        this.limit = perSecond;
        this.random = random;
    }

    /** True (and one challenge ACK used) if one may be sent at {@code now}. */
    boolean tryTake(long now) {
        if (limit == TcpRobustness.UNLIMITED) {
            return true;
        }
        long s = Math.floorDiv(now, SLOT);
        if (s != slot) {
            slot = s;
            int half = (limit + 1) / 2;
            left = half + random.nextInt(limit);
        }
        if (left > 0) {
            left--;
            return true;
        }
        return false;
    }
}
