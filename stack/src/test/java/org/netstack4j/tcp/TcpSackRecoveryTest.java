package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;
import org.netstack4j.wire.SackBlock;
import org.netstack4j.wire.TcpOption;

/**
 * RFC 6675 loss recovery against a scripted peer that SACKs around chosen holes, in virtual time: the stack
 * must retransmit exactly the lost segments, each once, when the scoreboard declares them lost, and no others.
 * Also: SACK-permitted is offered and negotiated, a D-SACK never counts as loss information, and the tail loss
 * probe of RFC 8985 resends the last segment before the RTO would.
 */
class TcpSackRecoveryTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;
    private static final long MASK = 0xFFFF_FFFFL;

    /** Active open where both SYNs carry SACK-permitted; returns the fd. */
    private static int openWithSack(TcpPeer p) {
        int fd = p.connect();
        TcpPeer.Seg syn = p.expect(SYN, 0, 0);
        assertTrue(syn.h().options().contains(TcpOption.SackPermitted.INSTANCE), "our SYN offers SACK: " + syn.h());
        p.runMillis(10); // the SYN is timed: a 10 ms handshake makes the first RTT sample 10 ms, like the data's
        p.send(SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(MSS), TcpOption.SackPermitted.INSTANCE),
                new byte[0]);
        p.expect(ACK, 1, 1);
        p.api.connect(fd, new org.netstack4j.socket.SockAddrIn(org.netstack4j.testing.OneStack.PEER, p.peerPort));
        assertTrue(p.conn().sackPermitted, "SACK negotiated");
        return fd;
    }

    /** Relative sequence number of the start of segment {@code i} (data starts at 1). */
    private static long seg(int i) {
        return 1 + (long) i * MSS;
    }

    /** An ACK of {@code ack} carrying SACK blocks given as segment ranges [from, to) of our segments. */
    private static void sack(TcpPeer p, long ack, int[]... ranges) {
        List<SackBlock> blocks = new ArrayList<>();
        for (int[] r : ranges) {
            blocks.add(new SackBlock((p.iss + seg(r[0])) & MASK, (p.iss + seg(r[1])) & MASK));
        }
        p.send(ACK, 1, ack, p.window, List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Sack(blocks)),
                new byte[0]);
    }

    /** Sends {@code n} full segments of data and takes them off the wire. */
    private static void sendSegments(TcpPeer p, int fd, int n) {
        p.api.send(fd, TcpPeer.bytes(n * MSS), 0, n * MSS, 0);
        for (int i = 0; i < n; i++) {
            TcpPeer.Seg s = p.expect();
            assertEquals(seg(i), s.seq());
            assertEquals(MSS, s.payload().length);
        }
        p.expectNothing();
    }

    /**
     * The linux profile with RFC 6675's loss detection instead of RACK (TcpRackTest has RACK), its cwnd =
     * ssthresh during recovery (PRR has its own test) and its ssthresh from FlightSize (section 5 step 4.2; the
     * linux profile's from cwnd is TcpLossReductionTest's).
     */
    private static final TcpProfile RFC_6675 = TcpProfile.LINUX.withProportionalRateReduction(false).withRack(false)
            .withReductionBase(org.netstack4j.tcp.cc.ReductionBase.FLIGHT_SIZE);

    @Test
    void retransmitsExactlyTheLostSegments() {
        try (TcpPeer p = new TcpPeer(COVERAGE, RFC_6675)) {
            int fd = openWithSack(p);
            TcpSender snd = p.conn().sender();
            sendSegments(p, fd, 10);
            // Segments 2, 5 and 6 are lost. 0 and 1 arrive in order; 3, 4 and 7 out of order.
            p.send(ACK, 1, seg(1));
            p.send(ACK, 1, seg(2));
            p.expectNothing();
            sack(p, seg(2), new int[] {3, 4});
            sack(p, seg(2), new int[] {3, 5});
            p.expectNothing(); // two SACKed segments above the hole: not yet lost (RFC 6675 IsLost)
            sack(p, seg(2), new int[] {7, 8}, new int[] {3, 5});
            // Three SACKed segments above 2: lost; recovery starts with exactly that segment.
            TcpPeer.Seg r = p.expect();
            assertEquals(seg(2), r.seq(), "the first hole: " + r);
            assertEquals(MSS, r.payload().length);
            assertTrue(snd.inRecovery());
            assertEquals((int) (8 * MSS * org.netstack4j.tcp.cc.Cubic.BETA), snd.slowStartThreshold(),
                    "CUBIC: 0.7 * 8 segments in flight, in bytes");
            assertEquals(snd.slowStartThreshold(), snd.congestionWindow(), "RFC 6675: cwnd = ssthresh");
            p.expectNothing(); // 5 and 6 have only one SACKed segment above them
            sack(p, seg(2), new int[] {7, 9}, new int[] {3, 5});
            // Two above 5 and 6: not lost yet. But SetPipe is now 2 (its resent copy), 5, 6 and 9: four segments
            // against cwnd 5.6, so NextSeg's rule 3 sends the first un-SACKed segment below the highest SACK
            // (RFC 6675 section 4). No new data exists for rule 2.
            TcpPeer.Seg r5 = p.expect();
            assertEquals(seg(5), r5.seq());
            p.expectNothing();
            assertEquals(4, snd.scoreboard().sackedSegments(), "3, 4, 7 and 8");
            sack(p, seg(2), new int[] {7, 10}, new int[] {3, 5});
            TcpPeer.Seg r6 = p.expect(); // 5 and 6 are lost now; 5 was sent again already
            assertEquals(seg(6), r6.seq());
            p.expectNothing(); // no segment sent twice, no SACKed segment sent again, no new data exists
            assertEquals(3, snd.retransmissions());
            assertEquals(3, snd.scoreboard().retransmittedSegments());
            // The retransmission of 2 arrives: a partial ACK up to 5, which was already resent.
            sack(p, seg(5), new int[] {7, 10});
            p.expectNothing();
            assertTrue(snd.inRecovery(), "RecoveryPoint not reached");
            p.send(ACK, 1, seg(10));
            assertFalse(snd.inRecovery(), "recovery ends at RecoveryPoint");
            assertEquals(snd.slowStartThreshold(), snd.congestionWindow());
            assertEquals(0, snd.scoreboard().sackedSegments());
            assertEquals(3, snd.retransmissions(), "exactly the three lost segments were sent again");
            assertEquals(3, snd.scoreboard().lostTotal());
            p.expectNothing();
        }
    }

    @Test
    void dsackIsNoLossInformation() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = openWithSack(p);
            TcpSender snd = p.conn().sender();
            sendSegments(p, fd, 10);
            p.send(ACK, 1, seg(5));
            // Three ACKs that each report a duplicate of segment 1, below the cumulative ACK (RFC 2883).
            for (int i = 0; i < 3; i++) {
                sack(p, seg(5), new int[] {1, 2});
            }
            p.expectNothing();
            assertFalse(snd.inRecovery(), "D-SACKs are not duplicate ACKs for loss detection");
            assertEquals(0, snd.scoreboard().sackedSegments());
            assertEquals(0, snd.retransmissions());
            p.send(ACK, 1, seg(10));
        }
    }

    @Test
    void limitedTransmitSendsNewDataOnTheFirstTwoDuplicateAcks() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = openWithSack(p);
            p.api.send(fd, TcpPeer.bytes(12 * MSS), 0, 12 * MSS, 0);
            for (int i = 0; i < 10; i++) {
                assertEquals(seg(i), p.expect().seq());
            }
            p.expectNothing(); // cwnd is 10 segments
            // The ACKs come one RTT later: with no time between, RACK's reordering window would be 0 and the first
            // SACK would prove segment 0 lost (RFC 8985 6.2); after 10 ms it waits min_RTT / 4 first.
            p.runMillis(10);
            sack(p, seg(0), new int[] {1, 2});
            assertEquals(seg(10), p.expect().seq(), "RFC 3042: one new segment for the first duplicate ACK");
            p.expectNothing();
            sack(p, seg(0), new int[] {1, 3});
            assertEquals(seg(11), p.expect().seq(), "and one for the second");
            p.expectNothing();
            assertEquals(0, p.conn().sender().retransmissions());
            p.send(ACK, 1, seg(12));
        }
    }

    @Test
    void tailLossProbeResendsTheLastSegmentBeforeTheRto() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = openWithSack(p);
            TcpSender snd = p.conn().sender();
            // A first exchange gives an RTT sample of 10 ms.
            p.api.send(fd, TcpPeer.bytes(MSS), 0, MSS, 0);
            p.expect();
            p.runMillis(10);
            p.send(ACK, 1, seg(1));
            long srtt = snd.rttEstimator().srtt();
            assertEquals(10_000_000L, srtt);
            int cwnd = snd.congestionWindow();
            // Three segments; the tail is lost and nothing answers.
            p.api.send(fd, TcpPeer.bytes(3 * MSS), 0, 3 * MSS, 0);
            long sentAt = p.now();
            for (int i = 1; i <= 3; i++) {
                assertEquals(seg(i), p.expect().seq());
            }
            TcpPeer.Seg probe = p.await(Duration.ofSeconds(5));
            assertEquals(seg(3), probe.seq(), "the probe resends the last segment (no new data is waiting)");
            assertEquals(sentAt + 2 * srtt, p.now(), "PTO = 2 SRTT with several segments in flight (RFC 8985 7.2)");
            assertTrue(p.now() - sentAt < snd.rto(), "earlier than the RTO");
            assertEquals(1, snd.retransmissions());
            assertEquals(0, snd.timeouts());
            assertEquals(1, p.counter(Counter.TCP_LOSS_PROBES));
            assertEquals(0, p.counter(Counter.TCP_TIMEOUTS));
            assertEquals(cwnd, snd.congestionWindow(), "a probe is no timeout: cwnd stays");
            // The probe draws a SACK for 3 that reveals 1 and 2 missing: 2 SACKed bytes above is not yet IsLost,
            // and only one probe goes out per tail.
            sack(p, seg(1), new int[] {3, 4});
            p.expectNothingFor(Duration.ofMillis(100));
            p.send(ACK, 1, seg(4));
            p.expectNothingFor(Duration.ofSeconds(3));
        }
    }
}
