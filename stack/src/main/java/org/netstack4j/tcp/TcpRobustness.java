package org.netstack4j.tcp;

import java.time.Duration;

/**
 * The robustness settings of a {@link TcpProfile}, named after the Linux sysctls they mirror: how often
 * out-of-window segments and RFC 5961 challenges are answered, SYN cookies, ECN and the lowest path MTU a
 * "fragmentation needed" message may set. docs/tcp-profiles.md lists the values per profile and why.
 *
 * @param invalidRateLimit   per connection, at most one duplicate ACK for an out-of-window segment and at most
 *                           one challenge ACK per this interval (Linux net.ipv4.tcp_invalid_ratelimit, 500 ms)
 * @param challengeAckLimit  stack-wide challenge ACKs per second (Linux net.ipv4.tcp_challenge_ack_limit);
 *                           {@link #UNLIMITED} turns the global limit off, as Linux 6.0 and later do by default
 * @param synCookies         0: never, 1: when a listener's half-open queue is full, 2: always (tcp_syncookies)
 * @param ecn                0: off, 1: ask on active opens and accept on passive ones, 2: accept only (tcp_ecn)
 * @param minPathMtu         the lowest MTU that ICMP "fragmentation needed" may lower a path to (Linux
 *                           min_pmtu 552; RFC 791 and RFC 1191 3: 68)
 */
public record TcpRobustness(Duration invalidRateLimit, int challengeAckLimit, int synCookies, int ecn,
                            int minPathMtu) {
    /** No stack-wide challenge ACK limit. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** Checks the ranges; IllegalArgumentException naming the bad setting otherwise. */
    public TcpRobustness {
        if (invalidRateLimit.isNegative()) {
            throw new IllegalArgumentException("tcp_invalid_ratelimit must not be negative: " + invalidRateLimit);
        }
        if (challengeAckLimit < 1) {
            throw new IllegalArgumentException("tcp_challenge_ack_limit must be at least 1: " + challengeAckLimit);
        }
        if (synCookies < 0 || synCookies > 2) {
            throw new IllegalArgumentException("tcp_syncookies must be 0, 1 or 2: " + synCookies);
        }
        if (ecn < 0 || ecn > 2) {
            throw new IllegalArgumentException("tcp_ecn must be 0, 1 or 2: " + ecn);
        }
        if (minPathMtu < 68) {
            throw new IllegalArgumentException("minimum path MTU must be at least 68 (RFC 791): " + minPathMtu);
        }
    }

    /** Linux 6.x defaults: per-connection limit only, cookies on overflow, ECN accepted but not asked for. */
    public static final TcpRobustness LINUX = new TcpRobustness(Duration.ofMillis(500), UNLIMITED, 1, 2, 552);

    /** RFC profile: RFC 5961 7 throttling also stack-wide, ECN asked for (RFC 3168), RFC 1191's 68-byte floor. */
    public static final TcpRobustness RFC = new TcpRobustness(Duration.ofMillis(500), 1000, 1, 1, 68);

    /** With another tcp_challenge_ack_limit. */
    public TcpRobustness withChallengeAckLimit(int v) {
        return new TcpRobustness(invalidRateLimit, v, synCookies, ecn, minPathMtu);
    }

    /** With another tcp_invalid_ratelimit. */
    public TcpRobustness withInvalidRateLimit(Duration v) {
        return new TcpRobustness(v, challengeAckLimit, synCookies, ecn, minPathMtu);
    }

    /** With another tcp_syncookies mode. */
    public TcpRobustness withSynCookies(int v) {
        return new TcpRobustness(invalidRateLimit, challengeAckLimit, v, ecn, minPathMtu);
    }

    /** With another tcp_ecn mode. */
    public TcpRobustness withEcn(int v) {
        return new TcpRobustness(invalidRateLimit, challengeAckLimit, synCookies, v, minPathMtu);
    }
}
