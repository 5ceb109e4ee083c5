package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.SackBlock;
import org.netstack4j.wire.TcpOption;

/**
 * RACK loss detection (RFC 8985 section 6) in the linux profile against a scripted receiver, in virtual time: a
 * loss is declared by time (RACK.rtt + RACK.reo_wnd after a later segment was delivered), reordering that was
 * once seen is tolerated where RFC 6675's DupThresh rule (the rfc profile) retransmits every time, the
 * reordering timer (6.3) recovers a lone loss near the tail without an RTO, and only what is lost is resent.
 * The reordering window's arithmetic is checked on {@link RackLossDetection} itself.
 */
class TcpRackTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;
    private static final long MASK = 0xFFFF_FFFFL;
    private static final long MS = 1_000_000L;
    /** The path's round trip, also the handshake's: min_RTT = 10 ms, so reo_wnd = 2.5 ms per step. */
    static final long RTT = 10 * MS;

    /** Active open with SACK (no timestamps) after a 10 ms handshake; returns the fd. */
    static int openWithSack(TcpPeer p) {
        int fd = p.connect();
        p.expect(SYN | (p.profile.robustness().ecn() == 1 ? org.netstack4j.wire.TcpSegment.ECE
                | org.netstack4j.wire.TcpSegment.CWR : 0), 0, 0);
        p.run(Duration.ofNanos(RTT));
        p.send(SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(MSS), TcpOption.SackPermitted.INSTANCE),
                new byte[0]);
        p.expect(ACK, 1, 1);
        p.api.connect(fd, new SockAddrIn(OneStack.PEER, p.peerPort));
        assertTrue(p.conn().sackPermitted());
        return fd;
    }

    /** Writes {@code n} full segments on {@code fd} and takes them off the wire, checking they are 0..n-1 in order. */
    static void sendSegments(TcpPeer p, int fd, int n) {
        p.api.send(fd, TcpPeer.bytes(n * MSS), 0, n * MSS, 0);
        for (int i = 0; i < n; i++) {
            assertEquals(seg(i), p.expect().seq());
        }
    }

    /** Relative sequence number of the start of segment {@code i} (data starts at 1). */
    static long seg(int i) {
        return 1 + (long) i * MSS;
    }

    /** An ACK of segment {@code ack} carrying SACK blocks given as segment ranges [from, to). */
    static void sack(TcpPeer p, int ack, int[]... ranges) {
        List<SackBlock> blocks = new ArrayList<>();
        for (int[] r : ranges) {
            blocks.add(new SackBlock((p.iss + seg(r[0])) & MASK, (p.iss + seg(r[1])) & MASK));
        }
        List<TcpOption> options = blocks.isEmpty() ? List.of()
                : List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE, new TcpOption.Sack(blocks));
        p.send(ACK, 1, seg(ack), p.window, options, new byte[0]);
    }

    /**
     * The path and the receiver at its end, as a discrete-event model: every segment the stack sends arrives one
     * RTT later, behind the previous arrival by at least {@link #GAP} (a bottleneck), unless the test drops some
     * of its first transmissions or delays the first; each arrival is answered at once with an ACK that reports everything
     * received: the cumulative ACK, a D-SACK first for a duplicate (RFC 2883), then the SACK blocks above the
     * cumulative ACK, the one holding the arrival first (RFC 2018 section 4).
     */
    private static final class Path {
        static final long GAP = 100_000L;
        final TcpPeer p;
        final BitSet received = new BitSet();
        /** Segment index to the number of its first transmissions that are lost. */
        final Map<Integer, Integer> drops = new HashMap<>();
        final Map<Integer, Long> delayFirst = new HashMap<>();
        /** Segment indices in the order the stack sent them, and which of those were retransmissions. */
        final List<Integer> sent = new ArrayList<>();
        final List<Integer> retransmitted = new ArrayList<>();
        private final BitSet everSent = new BitSet();
        /** Pending arrivals: {time, segment, tie-break}. */
        private final PriorityQueue<long[]> arrivals = new PriorityQueue<>(
                (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[2], b[2]));
        private long lastArrival;
        private long order;

        Path(TcpPeer p) {
            this.p = p;
        }

        /** Takes what the stack emitted and schedules its arrivals. */
        private void takeSent() {
            while (p.net.wire.pending() > 0) {
                TcpPeer.Seg s = p.expect();
                if (s.payload().length == 0) {
                    continue;
                }
                assertEquals(0, (s.seq() - 1) % MSS, "whole segments: " + s);
                int i = (int) ((s.seq() - 1) / MSS);
                sent.add(i);
                boolean first = !everSent.get(i);
                everSent.set(i);
                if (!first) {
                    retransmitted.add(i);
                }
                int drop = drops.getOrDefault(i, 0);
                if (drop > 0) {
                    drops.put(i, drop - 1);
                    continue;
                }
                long at = Math.max(s.at() + RTT, lastArrival + GAP);
                lastArrival = at;
                if (first && delayFirst.containsKey(i)) {
                    at += delayFirst.get(i);
                }
                arrivals.add(new long[] {at, i, order++});
            }
        }

        /** Runs the exchange until {@code segments} segments have all arrived (or {@code max} has passed). */
        void run(int segments, Duration max) {
            long end = p.now() + max.toNanos();
            while (p.now() < end && received.nextClearBit(0) < segments) {
                takeSent();
                long next = arrivals.isEmpty() ? end : Math.min(arrivals.peek()[0], end);
                if (next > p.now() && p.net.sim.runUntil(() -> p.net.wire.pending() > 0, next)) {
                    continue; // a timer sent something first
                }
                if (!arrivals.isEmpty() && arrivals.peek()[0] <= p.now()) {
                    arrive((int) arrivals.poll()[1]);
                }
            }
            takeSent();
        }

        private void arrive(int i) {
            boolean duplicate = received.get(i);
            received.set(i);
            int cum = received.nextClearBit(0);
            List<int[]> blocks = new ArrayList<>();
            if (duplicate) {
                blocks.add(new int[] {i, i + 1});
            }
            List<int[]> above = new ArrayList<>();
            for (int s = received.nextSetBit(cum); s >= 0; s = received.nextSetBit(s)) {
                int e = received.nextClearBit(s);
                int[] r = {s, e};
                if (i >= s && i < e) {
                    above.add(0, r);
                } else {
                    above.add(r);
                }
                s = e;
            }
            for (int[] r : above) {
                if (blocks.size() < 4) {
                    blocks.add(r);
                }
            }
            sack(p, cum, blocks.toArray(new int[0][]));
        }
    }

    /**
     * Degree-3 reordering twice in one transfer: segment 5, and later segment 45, arrives after the three segments
     * sent after it. Nothing is lost.
     */
    private static Path reorderTwice(TcpPeer p) {
        int fd = openWithSack(p);
        Path path = new Path(p);
        long late = 3 * Path.GAP + Path.GAP / 2;
        path.delayFirst.put(5, late);
        path.delayFirst.put(45, late);
        p.api.send(fd, TcpPeer.bytes(60 * MSS), 0, 60 * MSS, 0);
        path.run(60, Duration.ofSeconds(5));
        assertEquals(60, path.received.nextClearBit(0), "everything arrived");
        assertEquals(0, p.conn().sender().timeouts());
        return path;
    }

    @Test
    void reorderingOnceSeenIsNoLongerTakenForLoss() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            assertTrue(p.profile.rack());
            Path path = reorderTwice(p);
            TcpSender snd = p.conn().sender();
            // The first time RACK has seen no reordering: with DupThresh segments SACKed its window is 0 (RFC 8985
            // 6.2 step 4), so segment 5 is resent, needlessly. Its second copy draws a D-SACK: reordering seen, one
            // step more (reo_wnd = 2 * min_RTT / 4 = 5 ms). Segment 45, 0.35 ms late, is then waited for.
            assertEquals(List.of(5), path.retransmitted, "only the first reordering cost a retransmission");
            assertEquals(1, snd.retransmissions());
            RackLossDetection rack = snd.rack;
            assertTrue(rack.reorderingSeen());
            assertEquals(2, rack.reorderingWindowSteps(), "one D-SACK round");
            TcpInfo info = p.conn().info();
            assertEquals(2, info.reordSeen(), "the D-SACK, then segment 45 cumulatively ACKed below RACK.fack");
            assertEquals(Math.min(rack.minRtt() / 2, snd.rttEstimator().srtt()) / 1000, info.reoWnd());
            assertTrue(rack.minRtt() >= RTT && rack.minRtt() < RTT + MS, "min_RTT ~ 10 ms: " + rack.minRtt());
        }
    }

    @Test
    void rfcProfileRetransmitsOnEveryThirdDuplicate() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            assertFalse(p.profile.rack());
            Path path = reorderTwice(p);
            // RFC 6675 IsLost: three segments SACKed above 5, and above 45, each time.
            assertEquals(List.of(5, 45), path.retransmitted);
            assertEquals(2, p.conn().sender().retransmissions());
        }
    }

    /** Five segments, the fourth lost: only one SACKed segment above it, too few for RFC 6675. */
    private static long tailLoss(TcpPeer p) {
        int fd = openWithSack(p);
        p.api.send(fd, TcpPeer.bytes(5 * MSS), 0, 5 * MSS, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(seg(i), p.expect().seq());
        }
        p.run(Duration.ofNanos(RTT));
        sack(p, 1);
        sack(p, 2);
        sack(p, 3);
        sack(p, 3, new int[] {4, 5});
        p.expectNothing();
        return p.now();
    }

    @Test
    void tailLossIsResentByTheReorderingTimerWithoutAnRto() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            long sackAt = tailLoss(p);
            TcpSender snd = p.conn().sender();
            assertEquals(RTT, snd.rack.minRtt());
            // Segment 3 was sent with 4, RACK.rtt = 10 ms before: it is lost once reo_wnd = min_RTT / 4 has passed
            // too (RFC 8985 6.2 step 5); the reordering timer (6.3) fires then, before the tail loss probe would.
            assertEquals("on", p.conn().nextTimerName());
            TcpPeer.Seg r = p.await(Duration.ofSeconds(1));
            assertEquals(seg(3), r.seq(), "the lost segment: " + r);
            assertEquals(sackAt + RTT / 4, r.at(), "RACK.rtt + reo_wnd after its transmission");
            assertTrue(snd.inRecovery(), "RACK's mark starts fast recovery");
            p.expectNothing();
            p.run(Duration.ofNanos(RTT));
            sack(p, 5);
            assertFalse(snd.inRecovery());
            p.expectNothingFor(Duration.ofSeconds(3));
            assertEquals(1, snd.retransmissions(), "resent exactly once");
            assertEquals(0, snd.timeouts(), "no RTO");
            assertEquals(0, p.counter(Counter.TCP_TIMEOUTS));
            assertEquals(0, p.counter(Counter.TCP_LOSS_PROBES), "the reordering timer took the probe's place");
            assertEquals(1, p.counter(Counter.TCP_SACK_RECOVERY));
        }
    }

    @Test
    void rfcProfileWaitsForTheRtoOnATailLoss() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            long sackAt = tailLoss(p);
            TcpSender snd = p.conn().sender();
            TcpPeer.Seg r = p.await(Duration.ofSeconds(2));
            assertEquals(seg(3), r.seq());
            assertTrue(r.at() - sackAt >= 900 * MS, "the RTO (RFC 6298: at least 1 s from the last send)");
            assertEquals(1, snd.timeouts());
            assertEquals(1, p.counter(Counter.TCP_TIMEOUTS));
            assertEquals(0, p.counter(Counter.TCP_SACK_RECOVERY), "an RTO is no fast recovery");
            sack(p, 5);
        }
    }

    @Test
    void multipleLossesInOneWindowResendExactlyTheLostSegments() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = openWithSack(p);
            Path path = new Path(p);
            path.drops.putAll(Map.of(2, 1, 5, 1, 9, 1));
            p.api.send(fd, TcpPeer.bytes(10 * MSS), 0, 10 * MSS, 0);
            path.run(10, Duration.ofSeconds(5));
            assertEquals(10, path.received.nextClearBit(0), "everything arrived");
            // 2 and 5 are lost at the third SACK (DupThresh SACKed, reordering unseen: reo_wnd 0); 9, the last,
            // when the retransmission of 2, sent after it, is delivered one RTT later (an unambiguous delivery of
            // a retransmission counts, RFC 8985 6.2 step 2): no SACK above 9 is needed.
            assertEquals(List.of(2, 5, 9), path.retransmitted);
            TcpSender snd = p.conn().sender();
            assertEquals(3, snd.retransmissions());
            assertEquals(3, snd.scoreboard().lostTotal());
            assertEquals(0, snd.timeouts());
            p.expectNothingFor(Duration.ofSeconds(3));
        }
    }

    @Test
    void aLostRetransmissionIsFoundByTime() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = openWithSack(p);
            Path path = new Path(p);
            path.drops.put(3, 2);
            p.api.send(fd, TcpPeer.bytes(30 * MSS), 0, 30 * MSS, 0);
            // The retransmission of 3 is lost too: new segments sent after it are delivered, so RACK marks it
            // again (RFC 8985 6.2 step 5 applies to retransmissions), long before an RTO.
            path.run(30, Duration.ofSeconds(5));
            assertEquals(30, path.received.nextClearBit(0));
            assertEquals(List.of(3, 3), path.retransmitted);
            assertEquals(0, p.conn().sender().timeouts());
        }
    }

    @Test
    void anRtoMarksLostOnlyWhatWasSentMoreThanAnRttAgo() {
        // Without the tail loss probe, which would take the timeout's place.
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.LINUX.withTailLossProbe(false))) {
            int fd = openWithSack(p);
            TcpSender snd = p.conn().sender();
            p.api.send(fd, TcpPeer.bytes(MSS), 0, MSS, 0);
            assertEquals(seg(0), p.expect().seq());
            p.run(Duration.ofNanos(RTT));
            sack(p, 1); // RACK.rtt = 10 ms
            p.api.send(fd, TcpPeer.bytes(2 * MSS), 0, 2 * MSS, 0);
            assertEquals(seg(1), p.expect().seq());
            assertEquals(seg(2), p.expect().seq());
            long rtoAt = p.conn().retransmitAt;
            p.runTo(rtoAt - 5 * MS);
            p.api.send(fd, TcpPeer.bytes(MSS), 0, MSS, 0); // segment 3, 5 ms before the timeout
            assertEquals(seg(3), p.expect().seq());
            TcpPeer.Seg r = p.await(Duration.ofMillis(10));
            assertEquals(seg(1), r.seq(), "the first segment, resent by the RTO");
            assertEquals(rtoAt, r.at());
            assertEquals(1, snd.timeouts());
            assertEquals(1, p.counter(Counter.TCP_TIMEOUTS));
            // RFC 8985 6.3: 2 was sent more than RACK.rtt ago and is lost too; 3, sent 5 ms ago, is not (yet).
            assertEquals(2, snd.scoreboard().lostTotal());
            assertEquals(1, snd.scoreboard().lostSegments(), "2 waits for its retransmission; 3 is in flight");
            p.expectNothing(); // cwnd is one segment, and the pipe holds the first retransmission and segment 3
            p.run(Duration.ofNanos(RTT));
            sack(p, 2, new int[] {3, 4}); // 1 and 3 arrived
            assertEquals(seg(2), p.expect().seq());
            p.expectNothing();
            p.run(Duration.ofNanos(RTT));
            sack(p, 4);
            p.expectNothingFor(Duration.ofSeconds(3));
            assertEquals(2, snd.retransmissions(), "1 and 2, never 3");
        }
    }

    // ---------------------------------------------------------------- the reordering window (RFC 8985 6.2 step 4)

    @Test
    void reorderingWindowIsAQuarterOfMinRttGrowsWithDsackRoundsAndIsCappedAtSrtt() {
        RackLossDetection rack = new RackLossDetection();
        long srtt = 50 * MS;
        assertEquals(0, rack.reorderingWindow(false, 0, srtt), "no min_RTT yet");
        rack.sampleMinRtt(48 * MS, 0);
        rack.sampleMinRtt(40 * MS, 1);
        rack.sampleMinRtt(45 * MS, 2);
        assertEquals(40 * MS, rack.minRtt());
        assertEquals(10 * MS, rack.reorderingWindow(false, 0, srtt), "min_RTT / 4");
        assertEquals(10 * MS, rack.reorderingWindow(false, 2, srtt));
        // No reordering seen yet: 0 in recovery and with DupThresh segments SACKed, to be as fast as RFC 6675.
        assertEquals(0, rack.reorderingWindow(true, 0, srtt));
        assertEquals(0, rack.reorderingWindow(false, 3, srtt));
        assertFalse(rack.reorderingSeen());

        int una = 1000;
        int max = 20_000;
        dsack(rack, una, max);
        assertTrue(rack.reorderingSeen());
        assertEquals(20 * MS, rack.reorderingWindow(true, 5, srtt), "seen: two steps, in recovery too");
        dsack(rack, 10_000, max);
        assertEquals(2, rack.reorderingWindowSteps(), "a second D-SACK in the same round counts no more");
        dsack(rack, max, 30_000); // SND.UNA reached the round's end: a new round
        assertEquals(30 * MS, rack.reorderingWindow(false, 0, srtt));
        dsack(rack, 30_000, 40_000);
        assertEquals(40 * MS, rack.reorderingWindow(false, 0, srtt));
        dsack(rack, 40_000, 50_000);
        dsack(rack, 50_000, 60_000);
        assertEquals(6, rack.reorderingWindowSteps());
        assertEquals(srtt, rack.reorderingWindow(false, 0, srtt), "6 * 10 ms, capped at SRTT");

        // 16 recoveries without a D-SACK bring the multiplier back to 1 (reo_wnd_persist).
        for (int i = 0; i < RackLossDetection.REO_WND_PERSIST - 1; i++) {
            recoveryEndsWithoutDsack(rack, 60_000);
        }
        assertEquals(6, rack.reorderingWindowSteps());
        recoveryEndsWithoutDsack(rack, 60_000);
        assertEquals(1, rack.reorderingWindowSteps());
        assertEquals(10 * MS, rack.reorderingWindow(true, 5, srtt), "reordering stays seen; one step");
    }

    /**
     * RFC 8985 6.2 step 4: an ACK whose D-SACK widens the window and which also ends a recovery sets
     * reo_wnd_persist to 16 and does not count that recovery ("else if exiting Fast or RTO recovery").
     */
    @Test
    void anAckThatWidensTheWindowAndEndsRecoveryDoesNotCountTheRecovery() {
        RackLossDetection rack = new RackLossDetection();
        rack.beginAck(0, false, 0);
        rack.dsack();
        rack.endAck(1000, 20_000);
        rack.recoveryEnded();
        assertEquals(2, rack.reorderingWindowSteps());
        assertEquals(RackLossDetection.REO_WND_PERSIST, rack.reorderingWindowPersist(), "not 15");
        rack.beginAck(1, false, 0);
        rack.dsack(); // the same round: no widening, so the recovery it ends counts
        rack.endAck(2000, 20_000);
        rack.recoveryEnded();
        assertEquals(2, rack.reorderingWindowSteps());
        assertEquals(RackLossDetection.REO_WND_PERSIST - 1, rack.reorderingWindowPersist());
    }

    /** An ACK without D-SACK that ends a recovery. */
    private static void recoveryEndsWithoutDsack(RackLossDetection rack, int una) {
        rack.beginAck(0, false, 0);
        rack.endAck(una, una);
        rack.recoveryEnded();
    }

    private static void dsack(RackLossDetection rack, int una, int max) {
        rack.beginAck(0, false, 0);
        rack.dsack();
        rack.endAck(una, max);
    }

    @Test
    void reorderingIsSeenWhenAnOriginalIsDeliveredBelowTheHighestDelivered() {
        RackLossDetection rack = new RackLossDetection();
        rack.sampleMinRtt(10 * MS, 0);
        rack.beginAck(20 * MS, false, 0);
        rack.delivered(10 * MS, 2, 3000, false);
        rack.endAck(0, 4000);
        assertFalse(rack.reorderingSeen());
        // A retransmission delivered below RACK.fack says nothing about reordering (RFC 8985 6.2 step 3).
        rack.beginAck(21 * MS, false, 0);
        rack.delivered(10 * MS, 3, 1000, true);
        rack.endAck(0, 4000);
        assertFalse(rack.reorderingSeen());
        rack.beginAck(22 * MS, false, 0);
        rack.delivered(9 * MS, 1, 2000, false);
        rack.endAck(0, 4000);
        assertTrue(rack.reorderingSeen());
        assertEquals(1, rack.reorderingEvents());
    }

    @Test
    void ambiguousDeliveriesOfRetransmissionsDoNotMoveRack() {
        RackLossDetection rack = new RackLossDetection();
        rack.sampleMinRtt(10 * MS, 0);
        rack.beginAck(100 * MS, false, 0);
        rack.delivered(90 * MS, 5, 1000, false);
        rack.endAck(0, 9000);
        assertEquals(90 * MS, rack.xmitTime());
        assertEquals(10 * MS, rack.rtt());
        // Resent at 97 ms and acknowledged 3 ms later: sooner than min_RTT, so the ACK is likely the original's.
        rack.beginAck(100 * MS, false, 0);
        rack.delivered(97 * MS, 9, 2000, true);
        rack.endAck(0, 9000);
        assertEquals(90 * MS, rack.xmitTime(), "RFC 8985 6.2 step 2, condition 2");
        // With timestamps: the ACK echoes 95 ms, before the retransmission at 98 ms went out.
        rack.beginAck(120 * MS, true, 95);
        rack.delivered(98 * MS, 10, 3000, true);
        rack.endAck(0, 9000);
        assertEquals(90 * MS, rack.xmitTime(), "RFC 8985 6.2 step 2, condition 1 (TSecr)");
        // Echoing the retransmission itself, a full RTT later: a valid sample.
        rack.beginAck(120 * MS, true, 99);
        rack.delivered(99 * MS, 11, 4000, true);
        rack.endAck(0, 9000);
        assertEquals(99 * MS, rack.xmitTime());
        assertEquals(21 * MS, rack.rtt());
        assertEquals(4000, rack.endSeq());
    }
}
