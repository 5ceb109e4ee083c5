package org.netstack4j.tcp;

/**
 * The state of RACK, the time-based loss detection of RFC 8985 section 6: a segment is lost once a segment sent
 * sufficiently later has been delivered, "sufficiently" being the RTT of that delivery plus a reordering window.
 * The per-segment transmit times live in the {@link SackScoreboard}, which reports every segment newly delivered
 * (cumulatively or selectively acknowledged) here and does the marking ({@link SackScoreboard#markLostByTime}).
 * Times are the stack's virtual clock in nanoseconds.
 *
 * <p>Per ACK: {@link #beginAck}, then the scoreboard's {@link #delivered} calls, a {@link #dsack} if the ACK
 * carried one, and {@link #endAck}, which is RFC 8985 6.2 steps 2 and 3 and the D-SACK part of step 4; then
 * {@link #reorderingWindow} (step 4) and the scoreboard's marking (step 5). Nothing here allocates.
 */
final class RackLossDetection {
    /** RFC 8985 6.2 step 4: recoveries without a D-SACK before the reordering window shrinks back to one step. */
    static final int REO_WND_PERSIST = 16;
    /** Linux's tcp_min_rtt_wlen (300 s): min_RTT is the least RTT sample of a window this long. */
    private static final long MIN_RTT_WINDOW = 300_000_000_000L;

    // RACK.segment, the most recently sent segment known delivered (RFC 8985 6.1).
    private boolean segmentKnown;
    /** RACK.xmit_ts. */
    private long xmitTime;
    /** The send order of RACK.segment: RACK_sent_after's tie-break (see {@link SackScoreboard}). */
    private long xmitOrder = Long.MIN_VALUE;
    /** RACK.end_seq. */
    private int endSeq;
    /** RACK.rtt: the RTT of the most recently sent segment delivered, from its last transmission. */
    private long rtt;
    /** RACK.min_RTT, and when it was taken; -1 before any sample. */
    private long minRtt = -1;
    private long minRttAt;
    /** RACK.fack: the highest end of a segment delivered so far (valid once {@link #fackKnown}). */
    private int fack;
    private boolean fackKnown;
    /** RACK.reordering_seen. */
    private boolean reorderingSeen;
    /** Reordering events observed, as Linux's tcpi_reord_seen. */
    private int reorderingEvents;
    /** RACK.reo_wnd_mult and RACK.reo_wnd_persist. */
    private int reoWndMult = 1;
    private int reoWndPersist;
    /** RACK.dsack_round: SND.MAX when the last counted D-SACK arrived (valid while {@link #dsackRoundOpen}). */
    private int dsackRound;
    private boolean dsackRoundOpen;
    /** The reordering window last computed, ns. */
    private long reoWnd;

    // The ACK being processed.
    private long ackNow;
    /** The ACK's TSecr in milliseconds of the stack clock (TSecr less our offset), when it echoes one. */
    private boolean ackEchoes;
    private int ackEchoMillis;
    private boolean ackDsack;
    /** The ACK's D-SACK widened the reordering window (a new D-SACK round). */
    private boolean ackWidened;
    private boolean ackReordered;
    /** The latest-sent segment this ACK delivered whose timing is unambiguous (RFC 8985 6.2 step 2). */
    private boolean ackFound;
    private long ackTime;
    private long ackOrder;
    private int ackEnd;
    private boolean ackFoundOriginal;
    /** The highest end of a segment this ACK delivered. */
    private boolean ackMaxEndKnown;
    private int ackMaxEnd;

    /**
     * An ACK arrives at {@code now}; {@code echoes} if it carries a TSecr, {@code echoMillis} being that TSecr
     * less our timestamp offset (the millisecond of our clock it echoes).
     */
    void beginAck(long now, boolean echoes, int echoMillis) {
        ackNow = now;
        ackEchoes = echoes;
        ackEchoMillis = echoMillis;
        ackDsack = false;
        ackWidened = false;
        ackReordered = false;
        ackFound = false;
        ackMaxEndKnown = false;
    }

    /**
     * A segment ending at {@code end}, last sent at {@code sentTime} ({@code sentOrder} in send order), is newly
     * delivered by the current ACK; {@code retransmitted} if any of it was ever sent more than once.
     */
    void delivered(long sentTime, long sentOrder, int end, boolean retransmitted) {
        // Step 3: an original transmission delivered below the highest sequence delivered before this ACK arrived
        // out of order. Comparing with RACK.fack as it was before the ACK is the RFC's ascending-order loop: a
        // segment this ACK delivers above the old RACK.fack has only lower segments of the same ACK before it.
        if (!retransmitted && fackKnown && SeqNum.lt(end, fack)) {
            ackReordered = true;
        }
        if (!ackMaxEndKnown || SeqNum.gt(end, ackMaxEnd)) {
            ackMaxEnd = end;
            ackMaxEndKnown = true;
        }
        // Step 2: a retransmitted segment's delivery may be its original's. Ignore it when the ACK's TSecr is older
        // than the last transmission (it echoes an earlier one), or when it came back sooner than min_RTT after
        // the last transmission (RFC 8985 6.2 step 2, conditions 1 and 2).
        if (retransmitted && (ackEchoes && ackEchoMillis - (int) (sentTime / 1_000_000L) < 0
                || ackNow - sentTime < minRtt)) {
            return;
        }
        if (!ackFound || sentOrder > ackOrder) {
            ackFound = true;
            ackTime = sentTime;
            ackOrder = sentOrder;
            ackEnd = end;
            ackFoundOriginal = !retransmitted;
        }
    }

    /** The current ACK carried a D-SACK (RFC 2883): something arrived twice. */
    void dsack() {
        ackDsack = true;
    }

    /** The current ACK is processed; {@code una} and {@code max} are SND.UNA and the highest sequence sent. */
    void endAck(int una, int max) {
        if (ackFound) {
            // Step 2: RACK.rtt is the RTT of the latest-sent segment delivered (the RFC's loop in ascending
            // xmit_ts order ends on it); RACK.segment moves only forward in send order (RACK_sent_after).
            rtt = ackNow - ackTime;
            if (ackFoundOriginal) {
                sampleMinRtt(rtt, ackNow);
            }
            if (!segmentKnown || ackOrder > xmitOrder) {
                segmentKnown = true;
                xmitTime = ackTime;
                xmitOrder = ackOrder;
                endSeq = ackEnd;
            }
        }
        if (ackMaxEndKnown && (!fackKnown || SeqNum.gt(ackMaxEnd, fack))) {
            fack = ackMaxEnd;
            fackKnown = true;
        }
        if (ackReordered || ackDsack) {
            // A D-SACK says a retransmission was needless (or the network duplicated): reordering, as Linux
            // counts it (tcp_check_sack_reordering).
            reorderingSeen = true;
            reorderingEvents++;
        }
        // Step 4, the D-SACK part: one step more per round trip that sees a D-SACK.
        if (dsackRoundOpen && SeqNum.geq(una, dsackRound)) {
            dsackRoundOpen = false;
        }
        if (!dsackRoundOpen && ackDsack) {
            dsackRound = max;
            dsackRoundOpen = true;
            reoWndMult++;
            reoWndPersist = REO_WND_PERSIST;
            ackWidened = true;
        }
    }

    /** An RTT sample from the estimator's timing or a timestamp: feeds min_RTT. */
    void sampleMinRtt(long sample, long now) {
        if (sample < 0) {
            return;
        }
        // A windowed minimum (Linux: the last 300 s), so that a path whose RTT grew for good is followed again.
        if (minRtt < 0 || sample <= minRtt || now - minRttAt > MIN_RTT_WINDOW) {
            minRtt = sample;
            minRttAt = now;
        }
    }

    /**
     * Fast recovery or the recovery after a timeout ended with the current ACK (RFC 8985 6.2 step 4,
     * reo_wnd_persist): one recovery less for the widened window to persist, unless this very ACK widened it (the
     * RFC's "else if exiting Fast or RTO recovery"). A recovery later undone for its D-SACKs counts too (Linux:
     * the window persists for 16 "successful recoveries (accounts for full DSACK-based loss recovery undo)").
     */
    void recoveryEnded() {
        if (ackWidened) {
            return;
        }
        if (reoWndPersist > 0 && --reoWndPersist == 0) {
            reoWndMult = 1;
        }
    }

    /**
     * RFC 8985 6.2 step 4: RACK.reo_wnd. Until reordering has been seen it is 0 in recovery and once DupThresh
     * segments are SACKed (so that RACK is never slower than RFC 6675's rule); otherwise min_RTT / 4 per step,
     * never more than SRTT ({@code srtt}, -1 when unknown).
     */
    long reorderingWindow(boolean inRecovery, int sackedSegments, long srtt) {
        if (!reorderingSeen && (inRecovery || sackedSegments >= SackScoreboard.DUP_THRESH) || minRtt < 0) {
            reoWnd = 0;
        } else {
            long w = reoWndMult * (minRtt / 4);
            reoWnd = srtt >= 0 ? Math.min(w, srtt) : w;
        }
        return reoWnd;
    }

    /** True once a segment has been reported delivered: RACK.xmit_ts and RACK.rtt mean something. */
    boolean segmentKnown() {
        return segmentKnown;
    }

    /** RACK.xmit_ts, ns. */
    long xmitTime() {
        return xmitTime;
    }

    /** The send order of RACK.segment. */
    long xmitOrder() {
        return xmitOrder;
    }

    /** RACK.end_seq. */
    int endSeq() {
        return endSeq;
    }

    /** RACK.rtt, ns. */
    long rtt() {
        return rtt;
    }

    /** RACK.min_RTT, ns; -1 before any sample. */
    long minRtt() {
        return minRtt;
    }

    /** RACK.reordering_seen. */
    boolean reorderingSeen() {
        return reorderingSeen;
    }

    /** Reordering events seen (tcpi_reord_seen). */
    int reorderingEvents() {
        return reorderingEvents;
    }

    /** RACK.reo_wnd_mult. */
    int reorderingWindowSteps() {
        return reoWndMult;
    }

    /** RACK.reo_wnd_persist: recoveries left before the multiplier goes back to 1. */
    int reorderingWindowPersist() {
        return reoWndPersist;
    }

    /** The reordering window last computed, ns. */
    long lastReorderingWindow() {
        return reoWnd;
    }
}
