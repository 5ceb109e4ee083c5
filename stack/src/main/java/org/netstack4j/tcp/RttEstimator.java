package org.netstack4j.tcp;

/**
 * The retransmission timer's arithmetic of RFC 6298: SRTT and RTTVAR from RTT samples (section 2), the RTO
 * clamped to the profile's bounds, and exponential back-off (section 5.5). Karn's algorithm — no samples from
 * retransmitted segments — is the caller's duty (RFC 6298 section 3).
 */
public final class RttEstimator {
    /** Clock granularity G of RFC 6298 2.2: our clock is nanoseconds, so take 1 ms as Linux's jiffy-free bound. */
    private static final long GRANULARITY = 1_000_000L;
    /** RFC 6298 5.7: the RTO after a handshake whose SYN timed out. */
    private static final long SYN_TIMEOUT_FALLBACK = 3_000_000_000L;
    private final long minRto;
    private final long maxRto;
    private final boolean linux;
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private int backoff;

    /** An estimator with no samples yet (RTO = initial). */
    public RttEstimator(TcpProfile p) {
        this.minRto = p.minRto().toNanos();
        this.maxRto = p.maxRto().toNanos();
        this.linux = p.isLinux();
        this.rto = Math.max(minRto, p.initialRto().toNanos());
    }

    /** Takes one RTT measurement in nanoseconds. */
    public void sample(long r) {
        if (r < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = r;                                  // RFC 6298 2.2
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4; // RFC 6298 2.3, beta = 1/4
            srtt = (7 * srtt + r) / 8;                       // alpha = 1/8
        }
        if (linux) {
            // Linux (tcp_rtt_estimator / tcp_set_rto): the minimum RTO bounds the variance term, not the sum,
            // so RTO = SRTT + max(4 * RTTVAR, rto_min); only the maximum clamps the result.
            rto = Math.min(maxRto, srtt + Math.max(minRto, 4 * rttvar));
        } else {
            rto = clamp(srtt + Math.max(GRANULARITY, 4 * rttvar)); // RFC 6298 2.3 and 2.4
        }
        backoff = 0;
    }

    private long clamp(long v) {
        return Math.min(maxRto, Math.max(minRto, v));
    }

    /** The current timeout including back-off. */
    public long rto() {
        return clamp(rto << Math.min(backoff, 20));
    }

    /** Doubles the timeout after a retransmission timeout (RFC 6298 5.5). */
    public void backOff() {
        if (rto() < maxRto) {
            backoff++;
        }
    }

    /** Forgets the back-off (the handshake is over; a valid RTT sample does the same, RFC 6298 5.5 and 3). */
    public void resetBackoff() {
        backoff = 0;
    }

    /**
     * RFC 6298 5.7: the SYN (or SYN,ACK) timed out and the handshake gave no RTT sample, so once data transmission
     * begins the RTO is 3 s rather than the 1 s initial value (Linux: TCP_TIMEOUT_FALLBACK in tcp_init_metrics).
     */
    public void fallBackAfterSynTimeout() {
        backoff = 0;
        if (srtt < 0) {
            rto = Math.min(maxRto, Math.max(rto, SYN_TIMEOUT_FALLBACK));
        }
    }

    /** Smoothed RTT in nanoseconds, or -1 before the first sample. */
    public long srtt() {
        return srtt;
    }

    /** RTT variation in nanoseconds. */
    public long rttvar() {
        return rttvar;
    }

    /** Times the RTO has been doubled since the last new acknowledgment. */
    public int backoffCount() {
        return backoff;
    }
}
