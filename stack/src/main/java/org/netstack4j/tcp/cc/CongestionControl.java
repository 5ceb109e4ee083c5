package org.netstack4j.tcp.cc;

/**
 * A sender's congestion controller: owns cwnd and ssthresh (in bytes) and is told what the loss-recovery code
 * saw. The recovery machinery (duplicate ACKs, the SACK scoreboard, the retransmission timer) stays in the
 * connection; the controller only decides the window. Every time is a nanosecond reading of the stack's
 * virtual clock, never the wall clock. One instance per connection, used by the stack's thread only.
 */
public interface CongestionControl {
    /** Which algorithm this is. */
    CongestionControlKind kind();

    /** The congestion window in bytes. */
    int cwnd();

    /** The slow-start threshold in bytes ({@link Integer#MAX_VALUE} before the first loss). */
    int ssthresh();

    /** Takes over cwnd and ssthresh of {@code previous} (TCP_CONGESTION changed mid-connection); returns this. */
    CongestionControl continueFrom(CongestionControl previous);

    /** The sender MSS changed (handshake, PMTU): windows counted in segments follow it. */
    void setMss(int mss);

    /** Restarts from the initial window (RFC 6928) for {@code mss}; used when the handshake fixes the MSS. */
    void reset(int mss);

    /**
     * New data was acknowledged outside loss recovery: slow start or congestion avoidance.
     *
     * @param acked    bytes newly acknowledged
     * @param now      virtual time in ns
     * @param rttNanos an RTT sample taken from this ACK, or -1
     * @param flight   bytes outstanding before the ACK (a window that was not used is not grown, RFC 7661)
     */
    void onAck(int acked, long now, long rttNanos, int flight);

    /**
     * Loss detected by duplicate ACKs, SACK or RACK: sets ssthresh and the recovery window (RFC 5681 3.2 step 2,
     * RFC 6675 section 5 step 4.2, RFC 9438 4.6). Called before this ACK grows or inflates cwnd.
     *
     * @param base    bytes the reduction starts from: FlightSize, or cwnd as Linux ({@link ReductionBase})
     * @param inflate NewReno without SACK and without PRR: cwnd = ssthresh + 3 MSS (RFC 5681 3.2 step 3);
     *                otherwise cwnd = ssthresh and the recovery algorithm decides what is sent
     */
    void onEnterRecovery(int base, long now, boolean inflate);

    /**
     * Fast recovery begins in a window of data already reduced for an ECN-Echo (RFC 3168 6.1.2: once per window):
     * ssthresh, W_max and CUBIC's epoch stay; cwnd = ssthresh, plus 3 MSS with {@code inflate} as in
     * {@link #onEnterRecovery}.
     */
    void onEnterRecoveryWithoutReduction(boolean inflate);

    /**
     * During fast recovery with Proportional Rate Reduction the recovery code sets the window each ACK:
     * cwnd = pipe + sndcnt (RFC 6937 section 3, as Linux's tcp_cwnd_reduction); ssthresh is left alone.
     */
    void setRecoveryWindow(int bytes);

    /** A further duplicate ACK during NewReno recovery without SACK: inflate by one MSS (RFC 5681 3.2 step 4). */
    void onDuplicateAckInRecovery();

    /** A partial ACK during NewReno recovery without SACK: deflate by the bytes acked (RFC 6582 3.2 step 5). */
    void onPartialAck(int acked);

    /** Recovery ended with a full ACK (RFC 6582 3.2 step 6, RFC 6675 section 5). */
    void onExitRecovery(int flight, long now);

    /**
     * The retransmission timer expired: ssthresh from {@code base} (FlightSize or cwnd, {@link ReductionBase}),
     * cwnd = one MSS (RFC 5681 3.1 eq. 4 and 5).
     */
    void onRetransmitTimeout(int base, long now);

    /**
     * The retransmission timer expired within a window of data whose reduction was already made (during fast
     * recovery, or again before an ACK advanced SND.UNA): cwnd = one MSS, ssthresh and CUBIC's W_max are kept, as
     * in Linux's tcp_enter_loss. Used with {@link ReductionBase#CWND}, where cwnd no longer shows the window that
     * was lost.
     */
    void onRetransmitTimeoutWithoutReduction(long now);

    /**
     * The last reduction (fast recovery or a timeout) proved spurious: D-SACKs reported every retransmission of it
     * as a duplicate (RFC 3708 section 3). cwnd = max(cwnd, {@code priorCwnd}) and ssthresh = max(ssthresh,
     * {@code priorSsthresh}), as Linux's tcp_undo_cwnd_reduction with tcp_reno_undo_cwnd; where cwnd goes back up,
     * CUBIC also takes back W_max and its epoch as they were before the reduction (RFC 9438 4.9).
     */
    void undo(int priorCwnd, int priorSsthresh);

    /**
     * The sender resumes after {@code idleNanos} without anything in flight (RFC 5681 4.1, RFC 7661);
     * {@code rto} is the current retransmission timeout.
     */
    void onIdleRestart(long idleNanos, long rto, long now);

    /**
     * An ECN-Echo: congestion without a loss (RFC 3168 6.1.2). The window is reduced as on entering loss recovery
     * (ssthresh from {@code base}, FlightSize or cwnd, see {@link ReductionBase}; cwnd = ssthresh; CUBIC's beta)
     * and the "recovery" ends at once, since nothing is to be retransmitted.
     */
    default void onCongestionEcho(int base, int flight, long now) {
        onEnterRecovery(base, now, false);
        onExitRecovery(flight, now);
    }

    /**
     * An ECN-Echo whose reduction is spread over the next round trip (Linux's tcp_enter_cwr): ssthresh from
     * {@code base} as in {@link #onCongestionEcho}, cwnd kept; the caller then lowers cwnd per ACK with
     * {@link #setRecoveryWindow} and ends with {@link #onExitRecovery} (cwnd = ssthresh).
     */
    void onCongestionEchoSpread(int base, long now);

    /**
     * A tail loss probe's retransmission repaired a loss (RFC 8985 7.4.2): reduce once as for a loss (ssthresh
     * from {@code base}, see {@link ReductionBase}; CUBIC's beta and W_max) and end at cwnd = ssthresh at once, as
     * Linux's tcp_process_tlp_ack (tcp_init_cwnd_reduction then tcp_end_cwnd_reduction); nothing is resent.
     */
    default void onLossRepairedByProbe(int base, int flight, long now) {
        onEnterRecovery(base, now, false);
        onExitRecovery(flight, now);
    }
}
