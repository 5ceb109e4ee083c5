package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.RTT_MS;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.Sent;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.dupAck;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.seg;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.CWR;
import static org.netstack4j.wire.TcpSegment.ECE;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.cc.CongestionControlKind;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.TcpOption;

/**
 * An ECN-Echo and a loss in the same window of data reduce the window once (RFC 3168 6.1.2: "reduced only once in
 * response to a series of dropped and/or CE packets from a single window of data"; Linux's tcp_enter_recovery
 * does not reduce in its CWR state), in virtual time against a scripted receiver. The scenario is
 * {@link TcpProportionalRateReductionTest}'s with ECN negotiated: cwnd 20 segments, segments 10-29 in flight; the
 * ACK of 10 carries ECE, which reduces the window (the ECN window of data ends at segment 30); then 11 turns out
 * lost. NewReno, so that each reduction halves.
 */
class TcpEcnRecoveryTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;
    private static final TcpProfile LINUX_RENO = TcpProfile.LINUX.withCongestionControl(CongestionControlKind.RENO)
            .withRobustness(TcpRobustness.LINUX.withEcn(1));
    private static final TcpProfile RFC = TcpProfile.RFC;

    /** Active open asking for ECN (and SACK if {@code sack}); then cwnd 20 segments with 10-29 in flight. */
    private static Sent twentyInFlightWithEcn(TcpPeer p, boolean sack) {
        assertEquals(1, p.profile.robustness().ecn());
        int fd = p.connect();
        p.expect(SYN | ECE | CWR, 0, 0);
        p.runMillis(RTT_MS);
        List<TcpOption> options = sack ? List.of(new TcpOption.Mss(MSS), TcpOption.SackPermitted.INSTANCE)
                : List.of(new TcpOption.Mss(MSS));
        p.send(SYN | ACK | ECE, 0, 1, p.window, options, new byte[0]);
        p.expect(ACK, 1, 1);
        p.api.connect(fd, new SockAddrIn(OneStack.PEER, p.peerPort));
        assertTrue(p.conn().ecn.ok, "ECN negotiated");
        assertEquals(sack, p.conn().sackPermitted());
        return TcpProportionalRateReductionTest.twentyInFlight(p, fd);
    }

    /** The ACK of segment 10 carries ECE: the ECN reduction. Returns ssthresh after it. */
    private static int echoAtSegmentTen(TcpPeer p) {
        TcpSender snd = p.conn().sender();
        p.send(ACK | ECE, 1, seg(11));
        int ssthresh = snd.slowStartThreshold();
        assertTrue(ssthresh <= 21 * MSS / 2, "halved (cwnd 20, or 21 after this ACK's growth): " + ssthresh);
        if (p.profile.proportionalRateReduction()) {
            assertTrue(snd.inCwr, "the linux profile spreads the reduction with PRR (Linux's CWR state)");
        } else {
            assertEquals(ssthresh, snd.congestionWindow(), "cut at once");
        }
        assertFalse(snd.inRecovery());
        return ssthresh;
    }

    /** What the stack sent since the last look. */
    private static List<TcpPeer.Seg> sentSegments(TcpPeer p) {
        List<TcpPeer.Seg> out = new ArrayList<>();
        p.run(java.time.Duration.ZERO);
        while (p.net.wire.pending() > 0) {
            out.add(p.expect());
        }
        return out;
    }

    /** Starts recovery for segment 11 with SACKs of 12, 13 and 14 (RACK: lost at once; RFC 6675: IsLost). */
    private static void segmentElevenLost(TcpPeer p, Sent sent) {
        dupAck(p, true, 11, new int[] {12, 15});
        TcpSender snd = p.conn().sender();
        assertTrue(snd.inRecovery(), "recovery starts all the same");
        assertTrue(sent.take().contains("R11"), "and resends the lost segment");
        assertEquals(1, p.counter(Counter.TCP_SACK_RECOVERY));
    }

    @Test
    void linuxEchoThenSackLossInTheSameWindowReducesOnce() {
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            Sent sent = twentyInFlightWithEcn(p, true);
            TcpSender snd = p.conn().sender();
            int ssthresh = echoAtSegmentTen(p);
            assertEquals(List.of("N30"), sent.take(), "PRR: the first ACK of the reduction lets one segment out");
            segmentElevenLost(p, sent);
            assertFalse(snd.inCwr, "recovery took over");
            assertEquals(ssthresh, snd.slowStartThreshold(), "no second reduction in the ECN window");
            assertEquals(ssthresh, snd.prr.recoverFs() / 2, "PRR from what the ECN reduction started from");

            // The ECN window (and the recovery) ends; cwnd = ssthresh.
            p.send(ACK, 1, seg(30));
            assertFalse(snd.inRecovery());
            assertEquals(ssthresh, snd.congestionWindow());
            List<String> next = sent.take();
            assertFalse(next.isEmpty(), "new data after the recovery");
            int first = Integer.parseInt(next.get(0).substring(1));
            p.runMillis(RTT_MS);

            // A loss in the next window reduces again: cwnd / 2.
            int cwnd = snd.congestionWindow();
            dupAck(p, true, first, new int[] {first + 1, first + 4});
            if (!snd.inRecovery()) {
                p.runMillis(RTT_MS / 4 + 1); // RACK's reordering window, if reordering was seen
            }
            assertTrue(snd.inRecovery(), "a loss in the next window");
            assertEquals(Math.max(cwnd / 2, 2 * MSS), snd.slowStartThreshold(), "the second reduction");
            assertEquals(2, p.counter(Counter.TCP_SACK_RECOVERY));
        }
    }

    /**
     * Recovery started in the ECN window ends where the ECN window does in the linux profile (Linux keeps high_seq
     * from when CWR began), at HighData in the rfc profile (RFC 6675 section 5 step 4.1). After the echo the ACK of
     * 21 lets new data out (segment 30 on), so HighData is past the ECN window's end (segment 30).
     */
    @Test
    void recoveryPointInTheEcnWindow() {
        for (TcpProfile profile : new TcpProfile[] {LINUX_RENO, RFC}) {
            try (TcpPeer p = new TcpPeer(COVERAGE, profile)) {
                Sent sent = twentyInFlightWithEcn(p, true);
                TcpSender snd = p.conn().sender();
                int ssthresh = echoThenProgress(p, sent);
                dupAck(p, true, 22, new int[] {23, 26});
                assertTrue(snd.inRecovery(), profile.name());
                assertTrue(sent.take().contains("R22"), profile.name());
                assertEquals(ssthresh, snd.slowStartThreshold(), profile.name() + ": one reduction");
                p.send(ACK, 1, seg(30));
                assertEquals(!profile.isLinux(), snd.inRecovery(), profile.name() + ": recovery point");
            }
        }
    }

    /**
     * The echo at segment 10, then the ACK of 21, which lets new data out: the flight is no longer what the ECN
     * reduction started from, so a second reduction from FlightSize (the rfc profile) would show as well as one from
     * cwnd. Returns ssthresh after the echo.
     */
    private static int echoThenProgress(TcpPeer p, Sent sent) {
        int ssthresh = echoAtSegmentTen(p);
        List<String> out = new ArrayList<>(sent.take());
        p.send(ACK, 1, seg(22));
        out.addAll(sent.take());
        assertTrue(out.contains("N30"), "new data: " + out);
        assertTrue(p.conn().sender().flight() < 12 * MSS);
        return ssthresh;
    }

    /** Without SACK: the third duplicate ACK in the ECN window starts NewReno recovery without reducing again. */
    @Test
    void echoThenThreeDuplicateAcksReducesOnce() {
        for (TcpProfile profile : new TcpProfile[] {RFC, LINUX_RENO}) {
            try (TcpPeer p = new TcpPeer(COVERAGE, profile)) {
                Sent sent = twentyInFlightWithEcn(p, false);
                TcpSender snd = p.conn().sender();
                int ssthresh = echoThenProgress(p, sent);
                for (int i = 0; i < 3; i++) {
                    dupAck(p, false, 22);
                }
                assertTrue(snd.inRecovery(), profile.name());
                assertTrue(sent.take().contains("R22"), profile.name());
                assertEquals(ssthresh, snd.slowStartThreshold(), profile.name() + ": one reduction");
                assertEquals(1, p.counter(Counter.TCP_RENO_RECOVERY));
                if (!profile.proportionalRateReduction()) {
                    assertEquals(ssthresh + 3 * MSS, snd.congestionWindow(), "RFC 5681 3.2 step 3 inflation");
                }
            }
        }
    }

    /** The rfc profile with SACK (RFC 6675's IsLost): one reduction too, RFC 3168 6.1.2. */
    @Test
    void rfcEchoThenSackLossReducesOnce() {
        try (TcpPeer p = new TcpPeer(COVERAGE, RFC)) {
            Sent sent = twentyInFlightWithEcn(p, true);
            TcpSender snd = p.conn().sender();
            int ssthresh = echoThenProgress(p, sent);
            dupAck(p, true, 22, new int[] {23, 26});
            assertTrue(snd.inRecovery());
            assertTrue(sent.take().contains("R22"));
            assertEquals(ssthresh, snd.slowStartThreshold());
            assertEquals(ssthresh, snd.congestionWindow(), "RFC 6675 step 4.2: cwnd = ssthresh");
        }
    }

    /**
     * The linux profile spreads an ECN-Echo's reduction over the round trip with PRR, as Linux's CWR state does
     * (tcp_enter_cwr, then tcp_cwnd_reduction per ACK): with ssthresh half of cwnd, about every other delivered
     * segment lets a new one out from the first ACK on, where a cut at once (the rfc profile) sends nothing until
     * the flight has drained below ssthresh, nine ACKs later. When SND.UNA reaches the end of the window the
     * reduction was made in, cwnd = ssthresh (tcp_end_cwnd_reduction). TCP_INFO shows the CWR state.
     */
    @Test
    void linuxSpreadsTheEcnReductionWithPrr() {
        for (TcpProfile profile : new TcpProfile[] {LINUX_RENO, RFC}) {
            try (TcpPeer p = new TcpPeer(COVERAGE, profile)) {
                Sent sent = twentyInFlightWithEcn(p, true);
                TcpSender snd = p.conn().sender();
                int ssthresh = echoAtSegmentTen(p);
                List<Integer> perAck = new ArrayList<>();
                perAck.add(sent.take().size());
                if (profile.isLinux()) {
                    assertEquals(TcpInfo.CA_CWR, p.conn().info().caState());
                }
                for (int i = 12; i <= 29; i++) {
                    p.send(ACK, 1, seg(i)); // one segment delivered per ACK
                    perAck.add(sent.take().size());
                }
                String name = profile.name() + " " + perAck;
                if (profile.isLinux()) {
                    assertEquals(List.of(1, 0, 1, 0), perAck.subList(0, 4), name + ": CEIL(k * ssthresh / RecoverFS)");
                    assertTrue(perAck.stream().allMatch(n -> n <= 1), name + ": never a burst");
                    assertTrue(snd.inCwr, name);
                } else {
                    assertEquals(List.of(0, 0, 0, 0), perAck.subList(0, 4), name + ": nothing until pipe < cwnd");
                }
                p.send(ACK, 1, seg(30)); // the ECN window is acknowledged
                assertFalse(snd.inCwr, name);
                assertEquals(TcpInfo.CA_OPEN, p.conn().info().caState());
                assertEquals(ssthresh, snd.slowStartThreshold(), name);
                if (profile.isLinux()) {
                    assertEquals(ssthresh, snd.congestionWindow(), name + ": cwnd = ssthresh at the end");
                }
            }
        }
    }

    /**
     * SACKs during the ECN reduction are delivered data for PRR and leave the pipe (the scoreboard's), as in Linux's
     * CWR state: segment 11 is late, 12 and 13 are SACKed in one block (RACK waits, no recovery), which lets a
     * segment out (prr_delivered 3 segments: CEIL(3 * 10.5 / 21) = 2 sent in all; cwnd = pipe 18 + 1). Compared
     * with the flight (20) that cwnd would send nothing: one duplicate ACK's Limited Transmit allows one segment,
     * and the SACKed two have left the network.
     */
    @Test
    void sacksDuringTheEcnReductionCountAsDelivered() {
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            Sent sent = twentyInFlightWithEcn(p, true);
            TcpSender snd = p.conn().sender();
            echoAtSegmentTen(p);
            assertEquals(List.of("N30"), sent.take());
            dupAck(p, true, 11, new int[] {12, 14});
            assertFalse(snd.inRecovery(), "two SACKed: RACK waits for its reordering window");
            assertTrue(snd.inCwr);
            assertEquals(List.of("N31"), sent.take(), "the pipe, not the flight, against cwnd");
        }
    }

    /** A fast retransmit's reduction is signalled with CWR too (6.1.2, "for any reason"), once. */
    @Test
    void aLossReductionSetsCwrOnTheNextNewData() {
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            twentyInFlightWithEcn(p, true);
            TcpSender snd = p.conn().sender();
            dupAck(p, true, 10, new int[] {11, 14});
            assertTrue(snd.inRecovery());
            List<TcpPeer.Seg> all = new ArrayList<>(sentSegments(p));
            for (int i = 0; i < 10 && all.stream().noneMatch(s -> s.seq() >= seg(30)); i++) {
                p.send(ACK, 1, (snd.max - p.iss) & 0xFFFF_FFFFL); // everything sent so far arrived
                all.addAll(sentSegments(p));
            }
            List<TcpPeer.Seg> withCwr = all.stream().filter(s -> (s.flags() & CWR) != 0).toList();
            assertEquals(1, withCwr.size(), "once: " + all);
            TcpPeer.Seg firstNew = all.stream().filter(s -> s.seq() >= seg(30)).findFirst().orElseThrow();
            assertEquals(firstNew.seq(), withCwr.get(0).seq(), "on the first new data after the reduction");
        }
    }

    /**
     * Linux's tcp_enter_loss does not reduce in the CWR state before its high_seq is acknowledged: a timeout in the
     * ECN window keeps ssthresh (cwnd goes to one segment). An ECN-Echo in a timeout's window reduces nothing
     * either (Linux ignores ECE in its Loss state; RFC 3168 6.1.2).
     */
    @Test
    void aTimeoutAndAnEchoShareOneReductionPerWindow() {
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            twentyInFlightWithEcn(p, true);
            TcpSender snd = p.conn().sender();
            int ssthresh = echoAtSegmentTen(p);
            for (int i = 0; i < 10 && snd.timeouts() == 0; i++) {
                p.runTo(p.conn().retransmitAt);
            }
            assertEquals(1, snd.timeouts());
            assertEquals(ssthresh, snd.slowStartThreshold(), "the timeout in the ECN window keeps ssthresh");
            assertEquals(MSS, snd.congestionWindow());
        }
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            twentyInFlightWithEcn(p, true);
            TcpSender snd = p.conn().sender();
            for (int i = 0; i < 10 && snd.timeouts() == 0; i++) {
                p.runTo(p.conn().retransmitAt);
            }
            assertEquals(1, snd.timeouts());
            int ssthresh = snd.slowStartThreshold();
            assertEquals(10 * MSS, ssthresh, "cwnd 20 / 2");
            p.send(ACK | ECE, 1, seg(11));
            assertEquals(ssthresh, snd.slowStartThreshold(), "an echo in the timeout's window reduces nothing");
        }
    }
}
