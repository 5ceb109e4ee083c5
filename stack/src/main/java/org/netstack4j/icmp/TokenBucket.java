package org.netstack4j.icmp;

/**
 * A token bucket in the stack's time: {@code rate} tokens per second up to {@code burst}. Used to limit ICMP
 * error messages as RFC 1812 4.3.2.8 and RFC 1122 3.2.2 ask (Linux: icmp_msgs_per_sec, icmp_msgs_burst).
 */
public final class TokenBucket {
    private final long nanosPerToken;
    private final long burst;
    private long tokens;
    private long last = Long.MIN_VALUE;

    /** A bucket that starts full. */
    public TokenBucket(int ratePerSecond, int burst) {
        if (ratePerSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.nanosPerToken = 1_000_000_000L / ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes one token at time {@code now} if there is one. */
    public boolean tryTake(long now) {
        if (last == Long.MIN_VALUE) {
            last = now;
        }
        long earned = (now - last) / nanosPerToken;
        if (earned > 0) {
            tokens = Math.min(burst, tokens + earned);
            last += earned * nanosPerToken;
        }
        if (tokens > 0) {
            tokens--;
            return true;
        }
        return false;
    }
}
