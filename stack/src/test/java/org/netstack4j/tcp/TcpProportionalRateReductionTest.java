package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.tcp.cc.CongestionControlKind;
import org.netstack4j.tcp.cc.ReductionBase;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.SackBlock;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpSegment;

/**
 * Proportional Rate Reduction (RFC 6937) in virtual time, on RFC 6937 section 5's scenario: 20 segments in flight
 * (segments 10-29 of the connection), then either segment 10 alone or the burst 10-24 is lost, and every segment
 * that arrives draws an ACK. Limited Transmit sends segments 30 and 31 on the first two duplicate ACKs, so at the
 * third (where RACK, too, declares the loss: see {@link #RTT_MS}) FlightSize = RecoverFS = 22 segments and
 * NewReno's ssthresh = 11 segments (CUBIC's 0.7 would blur the arithmetic). That is RFC 6937's figure, with
 * ssthresh from FlightSize (RFC 5681 eq. 4): the linux profile's PRR and RACK, but the RFC's reduction base
 * (the linux profile halves cwnd, 20 segments: {@link TcpLossReductionTest}). The expected sends per ACK are worked out in the comments from section 3's formulas (in whole
 * segments, rounding the proportional part up):
 * <pre>
 *   pipe &gt; ssthresh:  sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out = CEIL(k / 2) - prr_out
 *   pipe &lt;= ssthresh: sndcnt = MIN(ssthresh - pipe, MAX(prr_delivered - prr_out, DeliveredData) + 1)
 * </pre>
 * where k is prr_delivered in segments (the k-th ACK of recovery). Recovery ends with cwnd = ssthresh. The rfc
 * profile keeps RFC 6675 (cwnd = ssthresh from the start: nothing new until the pipe has drained below it).
 */
class TcpProportionalRateReductionTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;
    private static final long MASK = 0xFFFF_FFFFL;
    /**
     * The round trip: with RACK (the linux profile) the first two SACKs then wait min_RTT / 4 and the third, with
     * DupThresh segments SACKed, proves the loss at once (RFC 8985 6.2 step 4), as RFC 6675 would; with no time
     * between sending and ACK the reordering window would be 0 and the first SACK would prove it.
     */
    static final long RTT_MS = 10;
    /** Segments the application writes: enough that new data never runs out. */
    private static final int QUEUED = 80;

    /** The linux profile with NewReno and RFC 6937's (and RFC 5681's) ssthresh from FlightSize. */
    private static TcpProfile linuxReno() {
        return TcpProfile.LINUX.withCongestionControl(CongestionControlKind.RENO)
                .withReductionBase(ReductionBase.FLIGHT_SIZE);
    }

    /** Relative sequence number of segment {@code i} (data starts at 1). */
    static long seg(int i) {
        return 1 + (long) i * MSS;
    }

    /** The stack's side of the test: what it sent since the last look, as "R12" (resent) or "N30" (new). */
    static final class Sent {
        private final TcpPeer p;
        private int nextNew;

        Sent(TcpPeer p) {
            this.p = p;
        }

        List<String> take() {
            List<String> out = new ArrayList<>();
            p.run(java.time.Duration.ZERO);
            while (p.net.wire.pending() > 0) {
                TcpPeer.Seg s = p.expect();
                assertEquals(0, (s.seq() - 1) % MSS, "whole segments: " + s);
                int i = (int) ((s.seq() - 1) / MSS);
                out.add((i >= nextNew ? "N" : "R") + i);
                nextNew = Math.max(nextNew, i + 1);
            }
            return out;
        }
    }

    /** Opens (with SACK if {@code sack}), and grows cwnd to 20 segments: segments 10-29 are in flight. */
    static Sent twentyInFlight(TcpPeer p, boolean sack) {
        int fd;
        if (sack) {
            fd = p.connect();
            p.expect(SYN | (p.profile.robustness().ecn() == 1 ? TcpSegment.ECE | TcpSegment.CWR : 0), 0, 0);
            p.runMillis(RTT_MS);
            p.send(SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(MSS), TcpOption.SackPermitted.INSTANCE),
                    new byte[0]);
            p.expect(ACK, 1, 1);
            p.api.connect(fd, new SockAddrIn(OneStack.PEER, p.peerPort));
        } else {
            fd = p.activeOpen();
        }
        assertEquals(sack, p.conn().sackPermitted());
        return twentyInFlight(p, fd);
    }

    /** On the open connection {@code fd}, one round trip old: grows cwnd to 20 segments, segments 10-29 in flight. */
    static Sent twentyInFlight(TcpPeer p, int fd) {
        Sent sent = new Sent(p);
        p.api.send(fd, TcpPeer.bytes(QUEUED * MSS), 0, QUEUED * MSS, 0);
        assertEquals(10, sent.take().size(), "the initial window");
        p.runMillis(RTT_MS);
        for (int i = 1; i <= 10; i++) {
            p.send(ACK, 1, seg(i)); // slow start: each ACK of one segment lets two out
        }
        List<String> burst = sent.take();
        assertEquals(20, burst.size());
        assertEquals("N29", burst.get(19));
        assertEquals(20 * MSS, p.conn().sender().congestionWindow());
        p.runMillis(RTT_MS); // the burst's ACKs come one round trip later
        return sent;
    }

    /** A duplicate ACK of segment {@code hole}: SACKing [from, to) with SACK, a bare duplicate without. */
    static void dupAck(TcpPeer p, boolean sack, int hole, int[]... sacked) {
        if (!sack) {
            p.send(ACK, 1, seg(hole));
            return;
        }
        List<SackBlock> blocks = new ArrayList<>();
        for (int[] r : sacked) {
            blocks.add(new SackBlock((p.iss + seg(r[0])) & MASK, (p.iss + seg(r[1])) & MASK));
        }
        p.send(ACK, 1, seg(hole), p.window, List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE,
                new TcpOption.Sack(blocks)), new byte[0]);
    }

    /**
     * Segment 10 lost, 11-29 arrive. Worked out (pipe before sending; prr_out counts R and N):
     * <pre>
     *  ACK  SACKed  k  pipe  branch  sndcnt                         sent
     *   1   11      -   -    -       Limited Transmit               N30
     *   2   11-12   -   -    -       Limited Transmit               N31
     *   3   11-13   1  18    PRR     CEIL(1/2) - 0 = 1              R10 (the fast retransmit)
     *   4   ..14    2  18    PRR     1 - 1 = 0
     *   5   ..15    3  17    PRR     2 - 1 = 1                      N32
     *   6..15 alike: one new segment on every odd k                 N33 .. N37 (ACKs 7, 9, 11, 13, 15)
     *  16   ..26   14  12    PRR     7 - 7 = 0
     *  17   ..27   15  11    SSRB    MIN(11 - 11, ...) = 0
     *  18   ..28   16  10    SSRB    MIN(1, MAX(16 - 7, 1) + 1) = 1 N38
     *  19   ..29   17  10    SSRB    MIN(1, MAX(17 - 8, 1) + 1) = 1 N39
     * </pre>
     * The same with and without SACK: without it each duplicate ACK counts one MSS delivered (RFC 6937 section 3).
     */
    private static List<List<String>> singleLoss(TcpPeer p, boolean sack) {
        Sent sent = twentyInFlight(p, sack);
        List<List<String>> perAck = new ArrayList<>();
        for (int j = 1; j <= 19; j++) {
            dupAck(p, sack, 10, new int[] {11, 11 + j});
            perAck.add(sent.take());
        }
        TcpSender snd = p.conn().sender();
        assertTrue(snd.inRecovery());
        assertEquals(11 * MSS, snd.slowStartThreshold(), "NewReno: FlightSize 22 / 2");
        // The retransmission of 10 arrives: everything sent is acknowledged, recovery ends.
        p.send(ACK, 1, seg(40));
        assertFalse(snd.inRecovery());
        assertEquals(snd.slowStartThreshold(), snd.congestionWindow(), "RFC 6937: cwnd = ssthresh at the end");
        assertEquals(11, sent.take().size(), "and the next round starts with ssthresh");
        return perAck;
    }

    private static final List<List<String>> SINGLE_LOSS_PRR = List.of(
            List.of("N30"), List.of("N31"), List.of("R10"), List.of(), List.of("N32"), List.of(), List.of("N33"),
            List.of(), List.of("N34"), List.of(), List.of("N35"), List.of(), List.of("N36"), List.of(),
            List.of("N37"), List.of(), List.of(), List.of("N38"), List.of("N39"));

    @Test
    void singleLossWithSackSendsOneSegmentForEveryTwoDelivered() {
        try (TcpPeer p = new TcpPeer(COVERAGE, linuxReno())) {
            assertEquals(SINGLE_LOSS_PRR, singleLoss(p, true));
        }
    }

    @Test
    void singleLossWithoutSackCountsEachDuplicateAsOneSegmentDelivered() {
        try (TcpPeer p = new TcpPeer(COVERAGE, linuxReno())) {
            assertEquals(SINGLE_LOSS_PRR, singleLoss(p, false));
        }
    }

    /**
     * The rfc profile keeps RFC 6675: cwnd = ssthresh = 11 at once, so after the fast retransmit nothing goes until
     * the pipe (22 + sent - SACKed) is below 11, from the 12th ACK on, then one per ACK: the same eight new
     * segments as PRR, but in a burst after a pause instead of spread over the round trip.
     */
    @Test
    void rfcProfileKeepsRfc6675() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            assertFalse(p.profile.proportionalRateReduction());
            List<List<String>> perAck = singleLoss(p, true);
            List<List<String>> expected = new ArrayList<>(List.of(List.of("N30"), List.of("N31"), List.of("R10")));
            for (int j = 4; j <= 11; j++) {
                expected.add(List.of());
            }
            for (int j = 12; j <= 19; j++) {
                expected.add(List.of("N" + (30 + j - 10)));
            }
            assertEquals(expected, perAck);
        }
    }

    /**
     * Segments 10-24 lost, 25-29 and then the Limited Transmit segments 30 and 31 arrive: the pipe falls far below
     * ssthresh and the slow-start reduction bound sends two segments per ACK (DeliveredData + 1):
     * <pre>
     *  ACK  SACKed  pipe (before)                    sndcnt                                sent
     *   3   25-27   22 - 3 - 15 lost = 4              MIN(11 - 4, MAX(1 - 0, 1) + 1) = 2    R10 R11
     *   4   25-28   22 - 4 - 15 + 2 resent = 5        MIN(6, MAX(2 - 2, 1) + 1) = 2         R12 R13
     *   5   25-29   6                                 MIN(5, 2) = 2                         R14 R15
     *   6   25-30   7                                 MIN(4, 2) = 2                         R16 R17
     *   7   25-31   8                                 MIN(3, 2) = 2                         R18 R19
     * </pre>
     * Then R10-R19 arrive: a partial ACK of 10 segments leaves pipe = 12 - 7 SACKed - 5 lost = 0, and
     * sndcnt = MIN(11 - 0, MAX(15 - 10, 10) + 1) = 11: the last five holes and six new segments.
     */
    @Test
    void burstLossCatchesUpAtSlowStartPace() {
        try (TcpPeer p = new TcpPeer(COVERAGE, linuxReno())) {
            Sent sent = twentyInFlight(p, true);
            List<List<String>> perAck = new ArrayList<>();
            for (int j = 1; j <= 7; j++) {
                dupAck(p, true, 10, new int[] {25, 25 + j});
                perAck.add(sent.take());
            }
            assertEquals(List.of(List.of("N30"), List.of("N31"), List.of("R10", "R11"), List.of("R12", "R13"),
                    List.of("R14", "R15"), List.of("R16", "R17"), List.of("R18", "R19")), perAck);
            TcpSender snd = p.conn().sender();
            assertEquals(11 * MSS, snd.slowStartThreshold());
            dupAck(p, true, 20, new int[] {25, 32});
            assertEquals(List.of("R20", "R21", "R22", "R23", "R24", "N32", "N33", "N34", "N35", "N36", "N37"),
                    sent.take());
            assertTrue(snd.inRecovery(), "RecoveryPoint is 32");
            p.send(ACK, 1, seg(38));
            assertFalse(snd.inRecovery());
            assertEquals(11 * MSS, snd.congestionWindow(), "cwnd = ssthresh at the end of recovery");
            assertEquals(11, sent.take().size());
            assertEquals(15, snd.scoreboard().lostTotal());
        }
    }

    @Test
    void sendCountFollowsSectionThreeInWholeSegments() {
        ProportionalRateReduction prr = new ProportionalRateReduction();
        int mss = 1000;
        prr.start(20 * mss);
        // pipe > ssthresh: CEIL(prr_delivered * 10 / 20) - prr_out, rounded up to whole segments.
        assertEquals(mss, prr.sendCount(mss, 19 * mss, 10 * mss, mss), "CEIL(0.5 segment) = 1 segment");
        prr.onSend(mss);
        assertEquals(0, prr.sendCount(mss, 18 * mss, 10 * mss, mss));
        assertEquals(mss, prr.sendCount(mss, 17 * mss, 10 * mss, mss));
        prr.onSend(mss);
        assertEquals(3 * mss, prr.delivered());
        assertEquals(2 * mss, prr.out());
        // pipe <= ssthresh: MIN(ssthresh - pipe, MAX(prr_delivered - prr_out, DeliveredData) + MSS), rounded down.
        assertEquals(6 * mss, prr.sendCount(4 * mss, 4 * mss, 10 * mss, mss), "MAX(7 - 2, 4) + 1 = 6, room 6");
        assertEquals(2 * mss, prr.sendCount(mss, 7 * mss + 500, 10 * mss, mss), "room 2.5 segments: 2");
        prr.end();
        prr.onSend(mss);
        assertEquals(2 * mss, prr.out(), "nothing counted outside recovery");
    }
}
