package org.netstack4j.tcp;

import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.CWR;
import static org.netstack4j.wire.TcpSegment.ECE;

/**
 * Explicit Congestion Notification for one connection (RFC 3168 section 6.1): the negotiation on the SYNs, the
 * receiver's ECE echo of a CE mark until the sender's CWR, and the sender's once-per-window reaction to ECE.
 * The per-stack mode is {@link TcpRobustness#ecn()} (Linux tcp_ecn: 0 off, 1 ask and accept, 2 accept only).
 */
final class Ecn {
    /** IPv4 ECN field values (RFC 3168 5). */
    static final int NOT_ECT = 0b00;
    static final int ECT_0 = 0b10;
    static final int CE = 0b11;

    /** We asked for ECN on our SYN (active open, mode 1). */
    boolean requested;
    /** ECN was negotiated: our new data is ECT(0), ECE and CWR mean what RFC 3168 says. */
    boolean ok;
    /** Receiver: a CE mark arrived; every segment carries ECE until a CWR arrives (6.1.3). */
    boolean echoCe;
    /** Sender: the window was reduced for an ECE; the next new data segment carries CWR (6.1.2). */
    boolean cwrPending;
    /** Sender: no second reduction until SND.UNA passes this (once per window of data, 6.1.2). */
    int recover;
    /** Sender: a reduction happened, so {@link #recover} is meaningful. */
    boolean reduced;
    /** Sender: what the last reduction started from (cwnd or FlightSize, bytes): RecoverFS if recovery follows. */
    int reducedFrom;

    /** An ECN-setup SYN has ECE and CWR (6.1.1). */
    static boolean isSetupSyn(int flags) {
        return (flags & (ECE | CWR)) == (ECE | CWR);
    }

    /** An ECN-setup SYN,ACK has ECE and not CWR (6.1.1). */
    static boolean isSetupSynAck(int flags) {
        return (flags & (ECE | CWR)) == ECE;
    }

    /**
     * The ECN flags of our SYN or SYN,ACK: ECE+CWR on a first SYN when we ask (a retransmitted SYN goes without,
     * like Linux tcp_ecn_fallback, in case a middlebox drops ECN-setup SYNs), ECE on a SYN,ACK that accepts.
     */
    int synFlags(boolean withAck, boolean retransmission) {
        if (withAck) {
            return ok ? ECE : 0;
        }
        return requested && !retransmission ? ECE | CWR : 0;
    }

    /**
     * The ECN flags for a non-SYN segment we send: ECE while echoing a CE mark, CWR on the first new data after
     * a reduction (which it then consumes).
     */
    int segmentFlags(int flags, boolean newData) {
        if (!ok || (flags & ACK) == 0) {
            return 0;
        }
        int f = echoCe ? ECE : 0;
        if (newData && cwrPending) {
            cwrPending = false;
            f |= CWR;
        }
        return f;
    }

    /** The ECN field for a segment we send: ECT(0) on new data only (not on ACKs, retransmissions, probes: 6.1.4-6.1.6). */
    int ipField(boolean newData) {
        return ok && newData ? ECT_0 : NOT_ECT;
    }

    /** Receiver side of an acceptable segment (6.1.3): CWR ends the echo, CE (even in the same segment) starts it. */
    boolean onArrival(int flags, boolean congestionExperienced) {
        if (!ok) {
            return false;
        }
        if ((flags & CWR) != 0) {
            echoCe = false;
        }
        if (congestionExperienced && !echoCe) {
            echoCe = true;
            return true;
        }
        return false;
    }

    /**
     * Sender side of an ACK with ECE (6.1.2): true if the window must be reduced now — not within a window of
     * data of the last reduction, and not within the window of a loss (fast recovery or a timeout), which has
     * reduced it already: "the TCP sender's congestion window should be reduced only once in response to a series
     * of dropped and/or CE packets from a single window of data" (as Linux, which reacts to ECE only in its Open,
     * Disorder and CWR states).
     */
    boolean onEcho(int sndUna, int sndMax, boolean inLossWindow) {
        // Up to and including the ACK that reaches the end of the reduced window: that ACK still echoes, because
        // the receiver sees CWR only on the next new segment, which starts there (Linux holds CWR until SND.UNA is
        // above high_seq).
        if (!ok || inLossWindow || reduced && SeqNum.leq(sndUna, recover)) {
            return false;
        }
        reduced = true;
        recover = sndMax;
        cwrPending = true;
        return true;
    }

    /**
     * Sender: the window was reduced for a loss (fast retransmit or a timeout): "when an ECN-Capable TCP sender
     * reduces its congestion window for any reason ... the TCP sender sets the CWR flag ... of the first new data
     * packet sent after the window reduction" (6.1.2), so that a receiver echoing a CE mark from the same window
     * stops (Linux's tcp_init_cwnd_reduction and tcp_enter_loss queue CWR too).
     */
    void onLossReduction() {
        if (ok) {
            cwrPending = true;
        }
    }

    /**
     * Sender: the window of data of the last ECN reduction is not yet acknowledged (SND.UNA below what was sent
     * then; Linux's CWR state): a loss found in it is part of the same congestion (6.1.2) and reduces nothing more.
     */
    boolean reducing(int sndUna) {
        return ok && reduced && SeqNum.lt(sndUna, recover);
    }

    /**
     * Sender, on each ACK of new data: once SND.UNA is past the reduced window, forget it, so that 2^31 bytes
     * later a wrap-around comparison does not find it ahead again (and ignore every ECE for the next 2^31).
     */
    void forgetPassed(int sndUna) {
        if (reduced && SeqNum.gt(sndUna, recover)) {
            reduced = false;
        }
    }
}
