package org.netstack4j.tcp.cc;

/**
 * NewReno: RFC 5681 congestion avoidance (one MSS per RTT, eq. 3 per ACK) and ssthresh = max(FlightSize / 2,
 * 2 * SMSS) on loss (eq. 4), or max(cwnd / 2, 2 * SMSS) as Linux's tcp_reno_ssthresh ({@link ReductionBase});
 * the recovery arithmetic with RFC 6582 partial ACKs is in {@link WindowControl}.
 */
public final class NewReno extends WindowControl {
    /** A controller starting at the RFC 6928 initial window for {@code mss}. */
    public NewReno(int mss, int initialSegments, IdlePolicy idle) {
        super(mss, initialSegments, idle);
    }

    @Override
    public CongestionControlKind kind() {
        return CongestionControlKind.RENO;
    }

    @Override
    protected void congestionAvoidance(int acked, long now, long rttNanos) {
        // RFC 5681 3.1 eq. 3: cwnd += SMSS * SMSS / cwnd per ACK.
        cwnd += Math.max(1.0, (double) mss * mss / cwnd);
    }

    @Override
    protected int reduce(int base, long now) {
        return Math.max(base / 2, MIN_SEGMENTS_AFTER_LOSS * mss);
    }

    @Override
    protected void restartEpoch() {
        // NewReno has no epoch state.
    }

    @Override
    protected void undoReduction() {
        // Only cwnd and ssthresh, which the caller restores.
    }
}
