package org.netstack4j.tcp;

import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;

import org.netstack4j.stats.Counter;
import org.netstack4j.time.Pollable;

/**
 * Loss recovery of a connection whose peer sends SACK: the conservative algorithm of RFC 6675 on the
 * {@link SackScoreboard}, the retransmission timeout's recovery that keeps what was SACKed, and RACK-TLP
 * (RFC 8985): RACK's time-based loss detection with its reordering timer (section 6) where the profile has
 * {@link TcpProfile#rack()}, and the tail loss probe (section 7). The connection hands every ACK here and calls
 * {@link #output} instead of its plain sender while recovering.
 *
 * <p>Entering recovery (RFC 6675 section 5): on the DupThresh-th duplicate ACK, or as soon as IsLost(HighACK + 1)
 * holds; RecoveryPoint = HighData; cwnd and ssthresh come from the congestion controller; the first segment is
 * retransmitted at once. During recovery every ACK runs SetPipe and sends NextSeg while cwnd - pipe &gt;= 1 SMSS:
 * lost segments first (rule 1), then new data (rule 2), then other holes below the highest SACK (rule 3).
 * Recovery ends when the cumulative ACK reaches RecoveryPoint.
 *
 * <p>With RACK, loss is a matter of time instead of counts: every ACK updates RACK's state and marks lost each
 * segment sent more than RACK.rtt + RACK.reo_wnd before the most recently sent segment delivered (RFC 8985 6.2);
 * the segments not yet that old arm the reordering timer (6.3), which runs the same marking when it fires.
 * Recovery starts as soon as a segment is marked lost, as Linux does with RACK (no DupThresh count), and sends
 * only what is marked lost (rules 1 and 2, not rule 3). The timer takes the tail loss probe's place while armed
 * (RFC 8985 section 8: the timers are exclusive).
 *
 * <p>The probe's own loss detection (RFC 8985 7.4.2, {@link TailLossProbeEpisode}): when the ACKs show that the
 * probe's retransmission repaired a lost segment, the window is reduced once, as Linux's tcp_process_tlp_ack does.
 *
 * <p>With the profile's {@link TcpProfile#proportionalRateReduction()} (linux), cwnd during fast recovery is not
 * held at ssthresh: each ACK sets it to pipe + sndcnt from {@link ProportionalRateReduction} (RFC 6937), with
 * DeliveredData = change_in(SND.UNA) + change_in(SACKed bytes), so the same rule sends what PRR allows.
 *
 * <p>With the profile's {@link TcpProfile#dsackUndo()} (linux) a reduction by fast recovery or a timeout opens an
 * undo episode ({@link ReductionUndo}, RFC 3708): the D-SACKs of its retransmissions are counted, and when every
 * one has been reported as a duplicate the reduction is undone once no recovery is under way any more.
 */
final class SackRecovery {
    /** RFC 8985 7.2: WCDelAckT, the worst-case delayed-ACK time added when one segment is in flight. */
    private static final long WORST_CASE_DELAYED_ACK = 200_000_000L;
    /** Linux's floor for the probe timeout (TCP_TIMEOUT_MIN, 10 ms): an RTT near zero must not probe at once. */
    private static final long MIN_PROBE_TIMEOUT = 10_000_000L;
    private final TcpConnection c;
    /** The next {@link #output} sends the first lost segment whatever the pipe (RFC 6675 section 5 step 4.3). */
    private boolean retransmitFirst;
    /** The current probe episode (RFC 8985 7.4.2); while it is open no further probe is sent. */
    private final TailLossProbeEpisode probe = new TailLossProbeEpisode();
    /** The retransmissions of the last undoable reduction and what D-SACKs said of them (RFC 3708). */
    private final ReductionUndo undo = new ReductionUndo();

    SackRecovery(TcpConnection c) {
        this.c = c;
    }

    /** Fast recovery or the recovery after a timeout is under way. */
    boolean active() {
        return c.snd.inRecovery || c.snd.inLossRecovery;
    }

    /** RACK marks losses (RFC 8985 section 6) instead of RFC 6675's DupThresh rule. */
    private boolean rack() {
        return c.profile.rack();
    }

    /** Opens RACK's accounting of an ACK: its arrival time and the TSecr it echoes (RFC 8985 6.2 step 2). */
    private void beginAck(TcpInput seg) {
        boolean echoes = c.timestamps && seg.hasTimestamps && seg.tsEcr != 0;
        c.snd.rack.beginAck(c.layer.now(), echoes, seg.tsEcr - c.tsOffset);
        probe.beginAck();
    }

    /** Takes the SACK blocks of an arriving ACK into the scoreboard; returns the bytes newly SACKed. */
    private int takeSacks(TcpInput seg) {
        if (seg.sackBlocks > 0 && (SeqNum.lt(seg.sackLeft[0], seg.ack) || seg.sackBlocks > 1
                && SeqNum.geq(seg.sackLeft[0], seg.sackLeft[1]) && SeqNum.leq(seg.sackRight[0], seg.sackRight[1]))) {
            // RFC 2883 section 4: a first block below the cumulative ACK, or inside the second block, is a D-SACK.
            c.snd.rack.dsack();
            probe.dsack(seg.sackLeft[0], seg.sackRight[0]);
            undo.dsack(seg.sackLeft[0], seg.sackRight[0]);
        }
        int newly = 0;
        for (int i = 0; i < seg.sackBlocks; i++) {
            // Blocks beyond anything sent are bogus; blocks below SND.UNA are D-SACKs (RFC 2883) and say nothing
            // about loss. The scoreboard ignores both.
            if (SeqNum.leq(seg.sackRight[i], c.snd.max)) {
                newly += c.snd.board.sack(seg.sackLeft[i], seg.sackRight[i], c.snd.una);
            }
        }
        return newly;
    }

    /** An ACK that acknowledged new data ({@code acked} bytes; {@code flightBefore} was outstanding). */
    void onNewAck(TcpInput seg, int acked, int flightBefore) {
        TcpSender snd = c.snd;
        int sackedBefore = snd.board.sackedBytes();
        beginAck(seg);
        snd.board.acknowledge(snd.una);
        takeSacks(seg);
        snd.rack.endAck(snd.una, snd.max);
        // RFC 6937 section 3: DeliveredData = change_in(snd.una) + change_in(SACKd); SACKed bytes that the
        // cumulative ACK now covers were counted when they were SACKed.
        int deliveredData = acked + snd.board.sackedBytes() - sackedBefore;
        snd.ackDelivered = deliveredData;
        long now = c.layer.now();
        snd.dupAcks = 0;
        if (snd.inRecovery) {
            if (SeqNum.geq(snd.una, snd.recover)) {
                // RFC 6675 section 5: the cumulative ACK reached RecoveryPoint.
                snd.inRecovery = false;
                snd.prr.end();
                snd.board.endRecovery();
                snd.rack.recoveryEnded();
                snd.cc.onExitRecovery(snd.max - snd.una, now);
            }
            detectLoss();
        } else {
            if (snd.inLossRecovery && SeqNum.geq(snd.una, snd.recover)) {
                snd.inLossRecovery = false;
                snd.board.endRecovery();
                snd.rack.recoveryEnded();
            }
            // Loss first, then growth, as Linux (tcp_fastretrans_alert before tcp_cong_control): the reduction starts
            // from the window the loss happened in, and the ACK that starts recovery does not grow cwnd (recovery
            // sets it from ssthresh anyway).
            detectLoss();
            // After RACK: a recovery this ACK started ends the probe episode, so the window is not cut twice.
            onProbeAck(seg.ack, false);
            if (!snd.inRecovery && !snd.inCwr) {
                snd.cc.onAck(acked, now, snd.rtt.srtt(), flightBefore);
            }
        }
        reduceRate(deliveredData);
    }

    /**
     * An ACK that acknowledged nothing new ({@code classicDuplicate}: SEG.ACK = SND.UNA, no data, no FIN, the same
     * window; a duplicate by RFC 5681 section 2 if data is outstanding).
     */
    void onOldAck(TcpInput seg, boolean classicDuplicate) {
        TcpSender snd = c.snd;
        beginAck(seg);
        int newly = takeSacks(seg);
        snd.ackDelivered = newly;
        snd.rack.endAck(snd.una, snd.max);
        // RFC 6675 section 2: with SACK in use an ACK is a duplicate when it SACKs something new; an ACK without
        // any SACK option still counts the RFC 5681 way. A D-SACK alone reports a duplicate, not a loss (RFC 2883).
        if (snd.una != snd.max && seg.ack == snd.una && (newly > 0 || classicDuplicate && seg.sackBlocks == 0)) {
            snd.dupAcks++;
        }
        detectLoss();
        onProbeAck(seg.ack, classicDuplicate && newly == 0);
        reduceRate(newly);
    }

    /**
     * RFC 8985 7.4.2 for an arriving ACK: if it shows that the probe's retransmission repaired a loss, congestion
     * control hears of it once. Linux (tcp_process_tlp_ack) enters CWR with tcp_init_cwnd_reduction (ssthresh from
     * the algorithm, here from {@link TcpConnection#reductionBase}: cwnd in the linux profile) and ends the
     * reduction at once with tcp_end_cwnd_reduction, which sets cwnd = ssthresh; there is no PRR phase in between,
     * so cwnd = ssthresh now is what Linux does, and the connection stays out of recovery (nothing is resent: the
     * probe has delivered it). Counted as Linux's TCPLossProbeRecovery.
     */
    private void onProbeAck(int ack, boolean pureDuplicate) {
        if (!probe.onAck(ack, pureDuplicate)) {
            return;
        }
        TcpSender snd = c.snd;
        c.layer.count(Counter.TCP_LOSS_PROBE_RECOVERY);
        snd.cc.onLossRepairedByProbe(c.reductionBase(), snd.max - snd.una, c.layer.now());
        undo.end(); // a proven loss: an earlier reduction must not be undone over this one
    }

    /**
     * The window was reduced for another reason (fast recovery, a timeout, ECN): the probe episode ends without a
     * verdict (as Linux's tcp_init_cwnd_reduction and tcp_enter_loss clear tlp_high_seq), so that the window of
     * data the probe was in is not reduced a second time.
     */
    void endProbeEpisode() {
        probe.end();
    }

    // ---------------------------------------------------------------- undo (RFC 3708, RFC 2883)

    /**
     * A reduction by fast recovery ({@code afterTimeout} false) or a timeout opens an undo episode where the profile
     * has {@link TcpProfile#dsackUndo()}: the window before it is remembered, with ssthresh as Linux's
     * tcp_current_ssthresh, max(ssthresh, 3/4 cwnd), and retransmissions still in flight count as the episode's
     * (Linux's tcp_init_undo: "retransmission still in flight may cause DSACKs later").
     */
    private void startUndoEpisode(boolean afterTimeout, int priorCwnd, int priorSsthresh) {
        if (!c.profile.dsackUndo()) {
            return;
        }
        SackScoreboard board = c.snd.board;
        undo.start(afterTimeout, priorCwnd, Math.max(priorSsthresh, priorCwnd / 2 + priorCwnd / 4), c.snd.una);
        for (int i = 0; i < board.size(); i++) {
            if (board.retransmittedInFlight(i)) {
                undo.retransmitted(board.start(i), board.end(i));
            }
        }
    }

    /**
     * The ACK being processed carries ECN-Echo: congestion on the path, so the reduction in force stands (Linux
     * clears prior_ssthresh on an ECE, and undo_marker when it enters CWR); its episode ends.
     */
    void keepReduction() {
        undo.end();
    }

    /**
     * The connection restarts after more than an RTO idle, and its window decays (RFC 5681 4.1, RFC 7661): an undo
     * now would put back a window, and a CUBIC epoch, from before the idle time, so the open episode ends.
     */
    void onIdleRestart() {
        undo.end();
    }

    /**
     * After an ACK: if D-SACKs have now reported every retransmission of the episode as a duplicate (RFC 3708
     * section 3), nothing was lost and the reduction answered reordering or delay: cwnd and ssthresh go back
     * ({@link org.netstack4j.tcp.cc.CongestionControl#undo}), counted as Linux's TCPDSACKUndo, or TCPLossUndo for
     * a timeout's. While a recovery is under way the undo waits for its end, as Linux's tcp_try_undo_dsack does in
     * the open state: a retransmission that proves needed before then keeps the reduction (Linux would undo at
     * once and enter recovery again for that loss, one reduction either way).
     */
    void undoIfSpurious() {
        undo.onAdvance(c.snd.una);
        if (active() || !undo.spurious()) {
            return;
        }
        c.snd.cc.undo(undo.priorCwnd(), undo.priorSsthresh());
        c.layer.count(undo.afterTimeout() ? Counter.TCP_LOSS_UNDO : Counter.TCP_DSACK_UNDO);
        undo.end();
    }

    /**
     * Proportional Rate Reduction (RFC 6937 section 3) for an ACK during fast recovery that delivered
     * {@code deliveredData} bytes: cwnd = pipe + sndcnt, so that {@link #output} sends sndcnt (as Linux's
     * tcp_cwnd_reduction). An ACK that delivered nothing changes nothing (as in Linux).
     */
    private void reduceRate(int deliveredData) {
        TcpSender snd = c.snd;
        if (!snd.inRecovery || !c.profile.proportionalRateReduction() || deliveredData <= 0) {
            return;
        }
        int pipe = snd.board.pipe();
        snd.cc.setRecoveryWindow(pipe + snd.prr.sendCount(deliveredData, pipe, snd.cc.ssthresh(), snd.mss));
    }

    private void detectLoss() {
        TcpSender snd = c.snd;
        if (rack()) {
            detectLossByTime();
            return;
        }
        snd.board.detectLostRetransmissions();
        boolean firstLost = snd.board.markLost(snd.mss);
        if (!active() && snd.una != snd.max && SeqNum.geq(snd.una, snd.recover)
                && (snd.dupAcks >= SackScoreboard.DUP_THRESH || firstLost)) {
            // RFC 6675 section 5 step 4: RecoveryPoint = HighData, reduce, retransmit the first segment.
            snd.board.markFirstLost();
            enterRecovery();
        }
    }

    /**
     * RFC 6675 section 5 step 4 (RFC 8985 6.2 with RACK): RecoveryPoint = HighData, reduce (unless an ECN-Echo
     * reduced this window, {@link TcpConnection#startFastRecovery}), retransmit.
     */
    private void enterRecovery() {
        TcpSender snd = c.snd;
        c.layer.count(Counter.TCP_SACK_RECOVERY);
        int priorCwnd = snd.cc.cwnd();
        int priorSsthresh = snd.cc.ssthresh();
        if (c.startFastRecovery(false)) {
            startUndoEpisode(false, priorCwnd, priorSsthresh);
        } // else an ECN-Echo reduced this window, which is never undone (Linux: prior_ssthresh 0, nothing to undo)
        probe.end();
        retransmitFirst = true;
        c.probeAt = Pollable.NEVER;
    }

    /**
     * RACK_detect_loss_and_arm_timer (RFC 8985 6.2 steps 4-5, 6.3): marks lost what was sent more than RACK.rtt +
     * RACK.reo_wnd before RACK.segment, arms the reordering timer for the rest, and starts recovery if something
     * is lost (Linux tcp_time_to_recover with RACK: the loss is proven).
     */
    private void detectLossByTime() {
        TcpSender snd = c.snd;
        RackLossDetection rack = snd.rack;
        long now = c.layer.now();
        long wait = 0;
        if (rack.segmentKnown()) {
            long reoWnd = rack.reorderingWindow(active(), snd.board.sackedSegments(), snd.rtt.srtt());
            wait = snd.board.markLostByTime(rack.xmitOrder(), rack.rtt() + reoWnd, now);
        }
        c.reorderAt = wait > 0 ? now + wait : Pollable.NEVER;
        if (wait > 0) {
            c.probeAt = Pollable.NEVER; // RFC 8985 section 8: one of the reordering and probe timers at a time
        }
        if (!active() && snd.una != snd.max && SeqNum.geq(snd.una, snd.recover) && snd.board.nextLost() >= 0) {
            enterRecovery();
        }
    }

    /**
     * The reordering timer fired (RFC 8985 6.3): the segments that were waiting are old enough now, or the timer
     * is armed again for those still not; what is lost goes out, starting recovery if none is under way.
     */
    void onReorderTimeout() {
        TcpSender snd = c.snd;
        if (!rack() || snd.una == snd.max || !c.state.synchronizedState()) {
            return;
        }
        detectLossByTime();
        if (active()) {
            c.output();
        }
    }

    /**
     * The retransmission timer expired: every un-SACKed segment is lost (with RACK: those sent long enough ago) and
     * is resent as cwnd grows again. {@code reduced}: the timeout reduced the window, which was {@code priorCwnd}
     * with {@code priorSsthresh} before (a new undo episode); otherwise an open episode goes on, as in Linux's
     * tcp_enter_loss, which calls tcp_init_undo only where it reduces.
     */
    void onRetransmitTimeout(boolean reduced, int priorCwnd, int priorSsthresh) {
        TcpSender snd = c.snd;
        if (snd.retransmits > 1) {
            // A second timeout in a row: the receiver may have reneged on its SACKs (RFC 2018 section 8,
            // RFC 6675 section 5.1), so resend those too.
            snd.board.clearSacks();
            snd.board.markAllLost();
        } else if (rack()) {
            // RFC 8985 6.3: the first segment was sent an RTO ago and is lost; any other only once RACK.rtt +
            // RACK.reo_wnd have passed since it was sent, so that one sent just before the timeout is not resent.
            long reoWnd = snd.rack.reorderingWindow(true, snd.board.sackedSegments(), snd.rtt.srtt());
            snd.board.markLostOnTimeout(snd.rack.rtt() + reoWnd, c.layer.now());
        } else {
            snd.board.markAllLost();
        }
        snd.prr.end();
        if (reduced) {
            // After the marking, as Linux: a retransmission now deemed lost no longer counts as in flight.
            startUndoEpisode(true, priorCwnd, priorSsthresh);
        }
        c.reorderAt = Pollable.NEVER; // RFC 8985 section 8: the RTO takes over
        snd.inLossRecovery = true;
        retransmitFirst = true;
        probe.end(); // the timeout's reduction covers the probe's window (the connection ended it already)
        c.probeAt = Pollable.NEVER;
        output();
    }

    /** RFC 6675 section 5 steps (C)-(E): sends NextSeg while cwnd - pipe allows one more segment. */
    void output() {
        TcpSender snd = c.snd;
        int pipe = snd.board.pipe();
        boolean force = retransmitFirst;
        retransmitFirst = false;
        while (force || snd.cc.cwnd() - pipe >= snd.mss) {
            int i = snd.board.nextLost();
            if (i >= 0) {
                pipe += retransmit(i, snd.inRecovery ? "FAST_RETRANSMIT" : "RETRANSMIT");
                force = false;
                continue;
            }
            force = false;
            int before = snd.nxt;
            if (c.sendNext(Math.min(snd.mss, snd.una + snd.wnd - snd.nxt))) {
                pipe += snd.nxt - before;
                continue;
            }
            if (snd.inRecovery && !rack()) {
                // Rule 3 guesses at holes not yet deemed lost; RACK retransmits only what it marked lost.
                i = snd.board.nextUnsackedBelowHighest();
                if (i >= 0) {
                    pipe += retransmit(i, "FAST_RETRANSMIT");
                    continue;
                }
            }
            break;
        }
    }

    /** Sends the scoreboard's segment {@code i} again; returns its length in sequence space. */
    private int retransmit(int i, String cause) {
        TcpSender snd = c.snd;
        int s = snd.board.start(i);
        int e = snd.board.end(i);
        boolean fin = snd.finSeqValid && snd.finSeq == e - 1;
        int len = e - s - (fin ? 1 : 0);
        snd.timing = false; // Karn (RFC 6298 section 3)
        snd.totalRetransmits++;
        undo.retransmitted(s, e);
        c.layer.trace(c, c.state, c.state, cause);
        c.layer.sendSegment(c, ACK | (fin ? FIN : 0) | c.pushFlag(s, len, fin), s, s - snd.una, len);
        snd.prr.onSend(e - s);
        snd.board.retransmitted(i, c.layer.now());
        snd.lastSendAt = c.layer.now();
        if (c.retransmitAt == Pollable.NEVER) {
            c.retransmitAt = c.layer.now() + snd.rtt.rto();
        }
        return e - s;
    }

    // ---------------------------------------------------------------- tail loss probe (RFC 8985 section 7)

    /**
     * Arms the probe timeout after sending or on an ACK: PTO = 2 SRTT (at least 10 ms), plus WCDelAckT with one
     * segment in flight (RFC 8985 7.2), at the latest when the RTO would fire. Off outside the open state and
     * without an RTT sample.
     */
    void armProbe() {
        TcpSender snd = c.snd;
        long srtt = snd.rtt.srtt();
        if (!c.profile.tailLossProbe() || active() || probe.open() || snd.una == snd.max || srtt < 0
                || !c.state.synchronizedState() || c.reorderAt != Pollable.NEVER) {
            c.probeAt = Pollable.NEVER;
            return;
        }
        long pto = Math.max(2 * srtt, MIN_PROBE_TIMEOUT);
        if (snd.max - snd.una <= snd.mss) {
            pto += WORST_CASE_DELAYED_ACK;
        }
        // Never later than the RTO would fire: like Linux, the probe then takes the RTO's place, so that a single
        // tail loss costs no cwnd collapse.
        c.probeAt = Math.min(c.layer.now() + pto, c.retransmitAt);
    }

    /**
     * The probe timeout fired (RFC 8985 7.3): send one new segment if the receive window allows, else the last
     * segment again, so that the tail's loss draws SACKs instead of waiting for the RTO; then re-arm the RTO. The
     * probe opens an episode (TLP.end_seq, TLP.is_retrans: RFC 8985 7.4.2) that its ACKs close.
     */
    void onProbeTimeout() {
        TcpSender snd = c.snd;
        if (active() || probe.open() || snd.una == snd.max || !c.state.synchronizedState()) {
            return;
        }
        if (c.sendNext(Math.min(snd.mss, snd.una + snd.wnd - snd.nxt))) {
            probe.start(snd.max, false, 0, 0);
        } else {
            int i = snd.board.lastUnsacked();
            if (i < 0) {
                return;
            }
            int start = snd.board.start(i);
            int end = snd.board.end(i);
            retransmit(i, "TAIL_LOSS_PROBE");
            probe.start(snd.max, true, start, end);
        }
        c.layer.count(Counter.TCP_LOSS_PROBES);
        c.retransmitAt = c.layer.now() + snd.rtt.rto();
    }
}
