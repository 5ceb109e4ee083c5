package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.Sent;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.dupAck;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.twentyInFlight;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.CWR;
import static org.netstack4j.wire.TcpSegment.ECE;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.cc.Cubic;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.SackBlock;
import org.netstack4j.wire.TcpOption;

/**
 * Undoing a window reduction that D-SACKs prove spurious (RFC 3708 section 3 with RFC 2883's D-SACK; Linux's
 * tcp_try_undo_dsack), in virtual time against a scripted receiver. The scenario is
 * {@link TcpProportionalRateReductionTest}'s: cwnd 20 segments, segments 10-29 in flight; segment 10 is late, not
 * lost, so that 11, 12 and 13 are SACKed first and fast recovery resends it; then the original arrives, and
 * later its copy, which the receiver reports with a D-SACK. The linux profile undoes the reduction then (cwnd and
 * ssthresh as before it, CUBIC's curve too), once, and not before the recovery has ended; a second retransmission
 * without its D-SACK (a probe's copy in flight when recovery began included), the rfc profile or an ECN-Echo keeps
 * it. A timeout's reduction is undone the same way (TCPLossUndo).
 */
class TcpDsackUndoTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;
    private static final long MASK = 0xFFFF_FFFFL;
    /** What CUBIC's reduction leaves of cwnd 20 segments: 0.7 * 20 = 14 segments. */
    private static final int CUBIC_REDUCED = (int) (20 * MSS * Cubic.BETA);

    /** An ACK of segment {@code ack} with {@code flags} besides ACK, carrying SACK blocks of segments [from, to). */
    private static void ack(TcpPeer p, int flags, int ack, int[]... ranges) {
        List<SackBlock> blocks = new ArrayList<>();
        for (int[] r : ranges) {
            blocks.add(new SackBlock((p.iss + TcpRackTest.seg(r[0])) & MASK, (p.iss + TcpRackTest.seg(r[1])) & MASK));
        }
        List<TcpOption> options = blocks.isEmpty() ? List.of()
                : List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE, new TcpOption.Sack(blocks));
        p.send(ACK | flags, 1, TcpRackTest.seg(ack), p.window, options, new byte[0]);
    }

    /** The segment SND.MAX has reached (segments are whole: the one that would be sent next). */
    private static int sentUpTo(TcpPeer p) {
        long max = (p.conn().sender().max - p.iss) & MASK;
        assertEquals(1, max % MSS, "whole segments");
        return (int) (max / MSS);
    }

    /** Segment 10 late: 11, 12, 13 SACKed, which starts fast recovery and resends 10. */
    private static void segmentTenOvertaken(TcpPeer p, Sent sent) {
        dupAck(p, true, 10, new int[] {11, 12});
        dupAck(p, true, 10, new int[] {11, 13});
        dupAck(p, true, 10, new int[] {11, 14});
        assertTrue(p.conn().sender().inRecovery(), "three segments SACKed above 10");
        assertTrue(sent.take().contains("R10"), "the fast retransmission");
    }

    /** The late original and everything after it arrive: a cumulative ACK of all that was sent. Returns it. */
    private static int everythingArrives(TcpPeer p) {
        int all = sentUpTo(p);
        ack(p, 0, all);
        assertFalse(p.conn().sender().inRecovery(), "the ACK reached the recovery point");
        return all;
    }

    @Test
    void aDsackForTheOnlyRetransmissionUndoesTheReduction() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            assertTrue(p.profile.dsackUndo());
            Sent sent = twentyInFlight(p, true);
            TcpSender snd = p.conn().sender();
            Cubic cubic = (Cubic) snd.congestionControl();
            int cwnd = snd.congestionWindow();
            int ssthresh = snd.slowStartThreshold();
            double wMax = cubic.wMax();
            assertEquals(20 * MSS, cwnd);
            segmentTenOvertaken(p, sent);
            assertEquals(CUBIC_REDUCED, snd.slowStartThreshold());
            int all = everythingArrives(p);
            assertEquals(CUBIC_REDUCED, snd.congestionWindow(), "recovery ended at ssthresh");
            assertEquals(14, sent.take().size(), "the reduced window's worth of new data");
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO), "no D-SACK yet");

            ack(p, 0, all, new int[] {10, 11}); // the copy of 10 arrived too: D-SACK (RFC 2883 section 4)
            assertEquals(cwnd, snd.congestionWindow(), "cwnd as before the reduction");
            assertEquals(ssthresh, snd.slowStartThreshold(), "ssthresh as before: still unset, slow start");
            assertEquals(wMax, cubic.wMax(), "CUBIC's W_max as before (RFC 9438 4.9)");
            assertEquals(6, sent.take().size(), "the restored window lets six more segments out at once");
            assertEquals(1, p.counter(Counter.TCP_DSACK_UNDO));
            assertEquals(0, p.counter(Counter.TCP_LOSS_UNDO));
            assertEquals(1, p.counter(Counter.TCP_SACK_RECOVERY));

            ack(p, 0, all, new int[] {10, 11}); // the same report again proves nothing more
            assertEquals(1, p.counter(Counter.TCP_DSACK_UNDO), "undone once");
            assertEquals(cwnd, snd.congestionWindow());
        }
    }

    /**
     * The D-SACK that proves the reduction spurious is RACK's evidence of reordering as well (RFC 8985 6.2 step 4):
     * the same block that the undo counts widens the reordering window by one step of min_RTT / 4 and keeps it for
     * 16 recoveries (Linux's tcp_rack_update_reo_wnd takes the same D-SACK; an undone recovery is one of the 16).
     * Nothing separate is needed for the undo. The next loss is declared only after RACK.rtt + 2 min_RTT / 4.
     */
    @Test
    void theUndoingDsackWidensRacksReorderingWindow() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            Sent sent = twentyInFlight(p, true);
            TcpSender snd = p.conn().sender();
            RackLossDetection rack = snd.rack;
            segmentTenOvertaken(p, sent);
            assertEquals(1, rack.reorderingWindowSteps());
            p.runMillis(TcpProportionalRateReductionTest.RTT_MS); // a round trip, so that min_RTT stays 10 ms
            int all = everythingArrives(p);
            sent.take();
            ack(p, 0, all, new int[] {10, 11}); // the D-SACK: undo and reordering window in one
            assertEquals(1, p.counter(Counter.TCP_DSACK_UNDO));
            assertTrue(rack.reorderingSeen());
            assertEquals(2, rack.reorderingWindowSteps(), "one D-SACK round");
            assertEquals(RackLossDetection.REO_WND_PERSIST, rack.reorderingWindowPersist());
            assertEquals(6, sent.take().size(), "the restored window");

            // The next window: the first segment is late again, three above it are SACKed.
            p.runMillis(TcpProportionalRateReductionTest.RTT_MS);
            dupAck(p, true, all, new int[] {all + 1, all + 4});
            long step = rack.minRtt() / 4;
            assertTrue(step > 0);
            assertEquals(2 * step, rack.lastReorderingWindow(), "two steps, though three segments are SACKed");
            assertFalse(snd.inRecovery(), "RACK waits for the reordering window");
            p.run(Duration.ofNanos(step + 1_000_000));
            assertFalse(snd.inRecovery(), "one step would have been enough before the D-SACK");
            p.run(Duration.ofNanos(step));
            assertTrue(snd.inRecovery(), "lost after RACK.rtt + 2 min_RTT / 4");
        }
    }

    @Test
    void aDsackDuringRecoveryUndoesWhenTheRecoveryEnds() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            Sent sent = twentyInFlight(p, true);
            TcpSender snd = p.conn().sender();
            segmentTenOvertaken(p, sent);
            ack(p, 0, 14); // the original 10: SND.UNA moves, short of the recovery point
            ack(p, 0, 14, new int[] {10, 11}); // its copy: every retransmission reported
            assertTrue(snd.inRecovery());
            assertEquals(CUBIC_REDUCED, snd.slowStartThreshold(), "not while recovery is under way");
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO));
            everythingArrives(p);
            assertEquals(20 * MSS, snd.congestionWindow(), "undone on the ACK that ends recovery");
            assertEquals(Integer.MAX_VALUE, snd.slowStartThreshold());
            assertEquals(1, p.counter(Counter.TCP_DSACK_UNDO));
        }
    }

    @Test
    void twoRetransmissionsWithOneDsackKeepTheReduction() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            Sent sent = twentyInFlight(p, true);
            TcpSender snd = p.conn().sender();
            // 10 is late and 12 is lost: RACK marks both when 11, 13 and 14 are SACKed (RFC 8985 6.2).
            dupAck(p, true, 10, new int[] {11, 12});
            dupAck(p, true, 10, new int[] {13, 14}, new int[] {11, 12});
            dupAck(p, true, 10, new int[] {13, 15}, new int[] {11, 12});
            assertTrue(snd.inRecovery());
            List<String> resent = new ArrayList<>(sent.take());
            for (int k = 16; !resent.contains("R12") && k < 30; k++) {
                dupAck(p, true, 10, new int[] {13, k}, new int[] {11, 12}); // PRR lets the second one out
                resent.addAll(sent.take());
            }
            assertTrue(resent.containsAll(List.of("R10", "R12")), "both resent: " + resent);
            ack(p, 0, 12, new int[] {13, 30}); // the original 10
            int all = everythingArrives(p); // the copy of 12 filled the hole
            int cwnd = snd.congestionWindow();
            ack(p, 0, all, new int[] {10, 11}); // only 10's copy was a duplicate
            assertEquals(CUBIC_REDUCED, snd.slowStartThreshold(), "12 was lost: the reduction stands");
            assertEquals(cwnd, snd.congestionWindow());
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO));
        }
    }

    /**
     * A retransmission still in flight when the episode begins is one of its own (Linux's tcp_init_undo): here a tail
     * loss probe's copy of segment 3, whose original was lost, so no D-SACK ever reports it.
     */
    @Test
    void aProbeInFlightWhenRecoveryBeginsCountsAsTheEpisodes() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = TcpRackTest.openWithSack(p);
            TcpSender snd = p.conn().sender();
            TcpRackTest.sendSegments(p, fd, 4);
            p.run(Duration.ofNanos(TcpRackTest.RTT));
            ack(p, 0, 1);
            TcpPeer.Seg probe = p.await(Duration.ofSeconds(1));
            assertEquals(TcpRackTest.seg(3), probe.seq(), "the probe resends the last segment");
            p.run(Duration.ofNanos(TcpRackTest.RTT));
            ack(p, 0, 1, new int[] {2, 3}); // 1 is late; RACK's reordering timer then marks it lost
            TcpPeer.Seg r = p.await(Duration.ofMillis(50));
            assertEquals(TcpRackTest.seg(1), r.seq());
            assertTrue(snd.inRecovery());
            int reduced = snd.slowStartThreshold();
            ack(p, 0, 3); // the original 1
            ack(p, 0, 4); // the probe's copy of 3: its original was lost
            ack(p, 0, 4, new int[] {1, 2}); // the copy of 1 was a duplicate
            assertEquals(reduced, snd.slowStartThreshold(), "the probe repaired a loss: the reduction stands");
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO));
        }
    }

    @Test
    void rfcProfileKeepsTheReduction() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            assertFalse(p.profile.dsackUndo(), "RFC 3708 is Experimental: RFC 5681 and RFC 6675 only");
            Sent sent = twentyInFlight(p, true);
            TcpSender snd = p.conn().sender();
            segmentTenOvertaken(p, sent);
            int all = everythingArrives(p);
            ack(p, 0, all, new int[] {10, 11});
            assertEquals(11 * MSS, snd.slowStartThreshold(), "RFC 5681 eq. 4: FlightSize 22 / 2, kept");
            assertEquals(11 * MSS, snd.congestionWindow());
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO));
        }
        // The switch alone decides: the same profile with it on undoes NewReno's reduction (cwnd and ssthresh).
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC.withDsackUndo(true))) {
            Sent sent = twentyInFlight(p, true);
            TcpSender snd = p.conn().sender();
            segmentTenOvertaken(p, sent);
            int all = everythingArrives(p);
            assertEquals(11 * MSS, snd.slowStartThreshold());
            ack(p, 0, all, new int[] {10, 11});
            assertEquals(Integer.MAX_VALUE, snd.slowStartThreshold());
            assertEquals(20 * MSS, snd.congestionWindow());
            assertEquals(1, p.counter(Counter.TCP_DSACK_UNDO));
        }
    }

    /** The linux profile asking for ECN (tcp_ecn 1): the SYN-ACK agrees, and SACK is in use. */
    private static Sent twentyInFlightWithEcn(TcpPeer p) {
        int fd = p.connect();
        p.expect(SYN | ECE | CWR, 0, 0);
        p.runMillis(TcpProportionalRateReductionTest.RTT_MS);
        p.send(SYN | ACK | ECE, 0, 1, p.window,
                List.of(new TcpOption.Mss(MSS), TcpOption.SackPermitted.INSTANCE), new byte[0]);
        p.expect(ACK, 1, 1);
        p.api.connect(fd, new SockAddrIn(OneStack.PEER, p.peerPort));
        assertTrue(p.conn().ecn.ok);
        assertTrue(p.conn().sackPermitted());
        return twentyInFlight(p, fd);
    }

    private static TcpPeer ecnPeer() {
        return new TcpPeer(COVERAGE, TcpProfile.LINUX.withRobustness(TcpRobustness.LINUX.withEcn(1)));
    }

    @Test
    void anEcnReductionIsNeverUndone() {
        try (TcpPeer p = ecnPeer()) {
            Sent sent = twentyInFlightWithEcn(p);
            TcpSender snd = p.conn().sender();
            segmentTenOvertaken(p, sent);
            int all = everythingArrives(p);
            // Then an ECN-Echo, past the recovery point: a reduction of its own (RFC 3168 6.1.2).
            ack(p, ECE, all + 1);
            int cwnd = snd.congestionWindow();
            int ssthresh = snd.slowStartThreshold();
            assertTrue(ssthresh < CUBIC_REDUCED, "reduced again: " + ssthresh);
            ack(p, 0, all + 1, new int[] {10, 11});
            assertEquals(ssthresh, snd.slowStartThreshold(), "congestion was signalled: the reductions stand");
            assertEquals(cwnd, snd.congestionWindow());
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO));
        }
    }

    @Test
    void anEcnEchoDuringRecoveryKeepsItsReduction() {
        try (TcpPeer p = ecnPeer()) {
            Sent sent = twentyInFlightWithEcn(p);
            TcpSender snd = p.conn().sender();
            segmentTenOvertaken(p, sent);
            ack(p, ECE, 10, new int[] {11, 15}); // during recovery: no second reduction (RFC 3168 6.1.2)
            assertEquals(CUBIC_REDUCED, snd.slowStartThreshold());
            int all = everythingArrives(p);
            ack(p, 0, all, new int[] {10, 11});
            assertEquals(CUBIC_REDUCED, snd.slowStartThreshold(), "the echo confirmed congestion: kept");
            assertEquals(CUBIC_REDUCED, snd.congestionWindow());
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO));
        }
    }

    @Test
    void aTimeoutWhoseRetransmissionIsDsackedIsUndone() {
        // Without the tail loss probe, which would go first; ACKs are delayed past the RTO, nothing is lost.
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.LINUX.withTailLossProbe(false))) {
            int fd = TcpRackTest.openWithSack(p);
            TcpSender snd = p.conn().sender();
            TcpRackTest.sendSegments(p, fd, 4);
            int cwnd = snd.congestionWindow();
            int ssthresh = snd.slowStartThreshold();
            TcpPeer.Seg r = p.await(Duration.ofSeconds(2));
            assertEquals(TcpRackTest.seg(0), r.seq(), "the RTO resends the first segment");
            assertEquals(1, snd.timeouts());
            assertEquals((int) (cwnd * Cubic.BETA), snd.slowStartThreshold());
            assertEquals(MSS, snd.congestionWindow());
            p.expectNothing();
            ack(p, 0, 4); // the originals' ACK, late
            assertTrue(snd.congestionWindow() < cwnd);
            ack(p, 0, 4, new int[] {0, 1}); // and the copy of segment 0 was a duplicate
            assertEquals(cwnd, snd.congestionWindow(), "cwnd as before the timeout");
            assertEquals(ssthresh, snd.slowStartThreshold());
            // CUBIC's curve comes back too, but W_max is 0 before and after a linux-profile timeout before any
            // loss, so that is checked on the controller: CubicTest.anUndoneTimeoutRestoresTheCurveBeforeIt.
            assertEquals(1, p.counter(Counter.TCP_LOSS_UNDO));
            assertEquals(0, p.counter(Counter.TCP_DSACK_UNDO));
        }
    }

    /** The episode's accounting on {@link ReductionUndo} itself: one copy per D-SACK of what was resent, whole. */
    @Test
    void eachDsackTakesBackOneCopyOfEachRetransmittedRangeItCovers() {
        ReductionUndo undo = new ReductionUndo();
        undo.retransmitted(0, 100);
        undo.start(false, 20, 30, 0);
        assertFalse(undo.spurious(), "no retransmission yet: nothing is proven");
        undo.retransmitted(100, 200);
        undo.retransmitted(100, 200); // the same range resent twice
        undo.retransmitted(200, 300);
        undo.dsack(0, 100); // sent once only in this episode (or duplicated by the network): proves nothing
        assertEquals(3, undo.unreported());
        undo.dsack(150, 300); // covers 200-300, but only part of 100-200
        assertEquals(2, undo.unreported());
        undo.dsack(100, 300); // one copy of 100-200
        assertEquals(1, undo.unreported());
        assertFalse(undo.spurious());
        undo.dsack(100, 200); // and the other
        assertTrue(undo.spurious());
        assertEquals(20, undo.priorCwnd());
        assertEquals(30, undo.priorSsthresh());
        undo.end();
        assertFalse(undo.spurious());
        undo.start(true, 20, 30, -300); // across the wrap of sequence space
        undo.retransmitted(-100, 50);
        undo.dsack(-200, 40);
        assertFalse(undo.spurious(), "partly covered");
        undo.dsack(-100, 50);
        assertTrue(undo.spurious());
        assertTrue(undo.afterTimeout());
    }

    /** An episode whose retransmissions were needed gets no D-SACK; 2^30 bytes on it ends unproven. */
    @Test
    void anEpisodeLeftOpenEndsOnceSndUnaIsFarPast() {
        ReductionUndo undo = new ReductionUndo();
        undo.start(false, 20, 30, 1000);
        undo.retransmitted(1000, 2000);
        undo.onAdvance(1000 + ReductionUndo.MAX_DISTANCE - 1);
        assertTrue(undo.open());
        undo.onAdvance(1000 + ReductionUndo.MAX_DISTANCE);
        assertFalse(undo.open());
        // Far on, sequence numbers come round: a D-SACK that happens to cover the old range proves nothing.
        undo.dsack(1000, 2000);
        assertFalse(undo.spurious());
    }
}
