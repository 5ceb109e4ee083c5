package org.netstack4j.tcp;

import org.netstack4j.tcp.cc.CongestionControl;

/**
 * The sending half of a TCP control block (RFC 9293 section 3.3.1): the send sequence variables, the send
 * queue, the retransmission timer's estimator and the congestion window. Field names follow the RFC.
 */
public final class TcpSender {
    /** ISS: initial send sequence number. */
    int iss;
    /** SND.UNA: oldest unacknowledged sequence number. */
    int una;
    /** SND.NXT: next sequence number to send (moved back to SND.UNA's next segment after a timeout). */
    int nxt;
    /** The highest sequence number sent so far plus one (BSD's snd_max): ACKs and RSTs carry it, and an ACK
     *  beyond it acknowledges something never sent. */
    int max;
    /** SND.WND: the peer's advertised window. */
    int wnd;
    /** SND.WL1: segment sequence number used for the last window update. */
    int wl1;
    /** SND.WL2: segment acknowledgment number used for the last window update. */
    int wl2;
    /** Largest window the peer ever offered (for sender silly-window avoidance, RFC 9293 3.8.6.2.1). */
    int maxWnd;
    /** The peer's window shift: windows it sends are multiplied by 2^wscale (RFC 7323 2.3), once negotiated. */
    int wscale;
    /** Effective send MSS: the peer's MSS option bounded by our MTU (RFC 9293 3.7.1). */
    int mss = 536;
    /** Bytes from SND.UNA on: unacknowledged, then unsent. */
    final SendQueue queue;
    /** The user asked for a FIN after the queued data. */
    boolean finPending;
    /** The FIN has been sent (it occupies sequence number {@link #finSeq}). */
    boolean finSent;
    /** Sequence number of our FIN once sent. */
    int finSeq;
    /** The FIN has been sent at least once, so {@link #finSeq} is valid. */
    boolean finSeqValid;
    /** RTT and RTO per RFC 6298. */
    final RttEstimator rtt;
    /** Consecutive retransmission timeouts without new data acknowledged. */
    int retransmits;
    /** RTT measurement in progress: the sequence number whose acknowledgment ends it, and when it started. */
    boolean timing;
    int timedSeq;
    long timedAt;
    /** Congestion window and slow-start threshold (RFC 5681), owned by the chosen algorithm. */
    CongestionControl cc;
    /** When data was last sent, for the restart after idle (RFC 5681 4.1, RFC 7661). */
    long lastSendAt = Long.MIN_VALUE;
    /** Duplicate ACKs in a row (RFC 5681 3.2). */
    int dupAcks;
    /** In fast recovery until SND.UNA passes this (RFC 6582 "recover"). */
    boolean inRecovery;
    int recover;
    /** Proportional Rate Reduction's state for the current fast recovery (RFC 6937), when the profile uses it. */
    final ProportionalRateReduction prr = new ProportionalRateReduction();
    /**
     * An ECN-Echo's reduction is being spread over the window by PRR (Linux's CWR state) until SND.UNA reaches the
     * end of the window it was made in; then cwnd = ssthresh.
     */
    boolean inCwr;
    /** Bytes the ACK being processed reported delivered (newly acknowledged or SACKed): PRR's DeliveredData. */
    int ackDelivered;
    /** Every segment between SND.UNA and SND.MAX with its SACK, loss and retransmission marks (RFC 6675). */
    final SackScoreboard board;
    /** RACK's state (RFC 8985 section 6), fed by the scoreboard; it marks losses when the profile uses RACK. */
    final RackLossDetection rack = new RackLossDetection();
    /** Recovering from a retransmission timeout with the scoreboard: lost segments go out as cwnd allows. */
    boolean inLossRecovery;
    /** Whether a sub-MSS data segment has been sent, and where the last one ended (Linux snd_sml, Minshall's Nagle). */
    boolean smallSent;
    int smallEnd;
    /** Segments retransmitted in total, for the socket table and tests. */
    long totalRetransmits;
    /** Retransmission timeouts of data (not of SYNs), for the socket table and tests. */
    long timeouts;

    TcpSender(TcpProfile profile, int sendBuffer) {
        this.queue = new SendQueue(sendBuffer);
        this.board = new SackScoreboard(rack);
        this.rtt = new RttEstimator(profile);
        this.cc = profile.congestionControl().create(mss, profile.initialWindow(), profile.idlePolicy(),
                profile.cubicTimeout());
    }

    /** Bytes sent and not yet acknowledged, counting SYN and FIN. */
    int flight() {
        return nxt - una;
    }

    /** Data bytes queued but not yet sent; meaningful once our SYN is acknowledged (data starts at SND.UNA). */
    int unsent() {
        int finOutstanding = finSent && SeqNum.geq(finSeq, una) ? 1 : 0;
        return Math.max(0, queue.size() - (nxt - una - finOutstanding));
    }

    /** SND.UNA, SND.NXT, SND.WND as text for traces. */
    @Override
    public String toString() {
        return "SND.UNA=" + SeqNum.unsigned(una) + " SND.NXT=" + SeqNum.unsigned(nxt) + " SND.WND=" + wnd;
    }

    /** The send queue. */
    public SendQueue queue() {
        return queue;
    }

    /** Current RTO in nanoseconds. */
    public long rto() {
        return rtt.rto();
    }

    /** Segments retransmitted so far. */
    public long retransmissions() {
        return totalRetransmits;
    }

    /** Retransmission timeouts of data so far. */
    public long timeouts() {
        return timeouts;
    }

    /** The congestion window in bytes. */
    public int congestionWindow() {
        return cc.cwnd();
    }

    /** The slow-start threshold in bytes ({@link Integer#MAX_VALUE} before the first loss). */
    public int slowStartThreshold() {
        return cc.ssthresh();
    }

    /** The congestion controller. */
    public CongestionControl congestionControl() {
        return cc;
    }

    /** The SACK scoreboard: sacked, lost and retransmitted segments for a TCP_INFO-like snapshot. */
    public SackScoreboard scoreboard() {
        return board;
    }

    /** True during fast recovery (RFC 5681 3.2, RFC 6582, RFC 6675). */
    public boolean inRecovery() {
        return inRecovery;
    }

    /** The effective send MSS. */
    public int mss() {
        return mss;
    }

    /** The RTT estimator. */
    public RttEstimator rttEstimator() {
        return rtt;
    }

    /** True while the last sub-MSS segment sent is unacknowledged (Linux tcp_minshall_check). */
    boolean smallSegmentInFlight() {
        return smallSent && SeqNum.gt(smallEnd, una) && SeqNum.leq(smallEnd, nxt);
    }
}
