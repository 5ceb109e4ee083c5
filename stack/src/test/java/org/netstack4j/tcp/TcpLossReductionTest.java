package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.dupAck;
import static org.netstack4j.tcp.TcpProportionalRateReductionTest.twentyInFlight;
import static org.netstack4j.wire.TcpSegment.ACK;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.tcp.cc.CongestionControlKind;
import org.netstack4j.tcp.cc.Cubic;
import org.netstack4j.tcp.cc.ReductionBase;

/**
 * What ssthresh is reduced from, in virtual time ({@link ReductionBase}): the linux profile takes cwnd, as Linux's
 * tcp_reno_ssthresh and CUBIC's recalc_ssthresh, so the reduction does not depend on how many Limited Transmit
 * segments (RFC 3042) went out before the loss was declared; the rfc profile takes FlightSize (RFC 5681 3.1 eq. 4,
 * RFC 9438 4.6). The loss scenario is {@link TcpProportionalRateReductionTest}'s: cwnd 20 segments, all in
 * flight, the first lost; Limited Transmit sends one more segment for each of the first two duplicate ACKs, so
 * FlightSize is 22 segments at the third (DupThresh), and 21 when RACK's reordering timer declares the loss after
 * the first.
 */
class TcpLossReductionTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;
    private static final TcpProfile LINUX_RENO = TcpProfile.LINUX.withCongestionControl(CongestionControlKind.RENO);

    /** Bytes outstanding, SND.MAX - SND.UNA. */
    private static int flightSize(TcpPeer p) {
        TcpSender snd = p.conn().sender();
        return snd.max - snd.una;
    }

    /** Segment 10 of 10-29 lost: the third duplicate ACK starts recovery with 22 segments in flight. */
    private static TcpSender recoveryAtThirdDuplicate(TcpPeer p, boolean sack) {
        twentyInFlight(p, sack);
        TcpSender snd = p.conn().sender();
        for (int j = 1; j <= 3; j++) {
            assertFalse(snd.inRecovery(), "not before the third duplicate ACK");
            dupAck(p, sack, 10, new int[] {11, 11 + j});
        }
        assertTrue(snd.inRecovery());
        assertEquals(22 * MSS, flightSize(p), "20 segments and two sent by Limited Transmit");
        return snd;
    }

    /** Segment 10 lost: one SACK, then RACK's reordering timer declares the loss with 21 segments in flight. */
    private static TcpSender recoveryAtRackTimer(TcpPeer p) {
        assertTrue(p.profile.rack());
        twentyInFlight(p, true);
        TcpSender snd = p.conn().sender();
        dupAck(p, true, 10, new int[] {11, 12});
        assertFalse(snd.inRecovery(), "one SACKed segment: RACK waits for the reordering window");
        // RFC 8985 6.3: the timer fires RACK.rtt + reo_wnd (min_RTT / 4) after segment 10 was sent.
        p.runMillis(TcpProportionalRateReductionTest.RTT_MS / 4 + 1);
        assertTrue(snd.inRecovery(), "the reordering timer marked segment 10 lost");
        assertEquals(21 * MSS, flightSize(p), "20 segments and one sent by Limited Transmit");
        return snd;
    }

    @Test
    void linuxRenoHalvesCwndHoweverManySegmentsLimitedTransmitAdded() {
        for (boolean sack : new boolean[] {true, false}) {
            try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
                TcpSender snd = recoveryAtThirdDuplicate(p, sack);
                assertEquals(10 * MSS, snd.slowStartThreshold(), "cwnd 20 / 2, not FlightSize 22 / 2; sack " + sack);
                assertEquals(20 * MSS, snd.prr.recoverFs(), "PRR reduces from cwnd too (Linux's prior_cwnd)");
            }
        }
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            assertEquals(10 * MSS, recoveryAtRackTimer(p).slowStartThreshold(), "the same when RACK finds it early");
        }
        assertEquals(ReductionBase.CWND, TcpProfile.LINUX.reductionBase());
    }

    @Test
    void linuxCubicTakesSevenTenthsOfCwnd() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.LINUX)) {
            TcpSender snd = recoveryAtThirdDuplicate(p, true);
            assertEquals((int) (20 * MSS * Cubic.BETA), snd.slowStartThreshold(), "0.7 * cwnd 20, not * FlightSize 22");
            assertEquals(20.0, ((Cubic) snd.congestionControl()).wMax(), 1e-9, "W_max: cwnd before the reduction");
        }
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.LINUX)) {
            assertEquals((int) (20 * MSS * Cubic.BETA), recoveryAtRackTimer(p).slowStartThreshold());
        }
    }

    @Test
    void rfcReductionBaseFollowsFlightSize() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            TcpSender snd = recoveryAtThirdDuplicate(p, true);
            assertEquals(11 * MSS, snd.slowStartThreshold(), "FlightSize 22 / 2");
            assertEquals(22 * MSS, snd.prr.recoverFs(), "RFC 6937: RecoverFS = FlightSize");
        }
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC.withCongestionControl(CongestionControlKind.CUBIC))) {
            assertEquals((int) (22 * MSS * Cubic.BETA), recoveryAtThirdDuplicate(p, true).slowStartThreshold(),
                    "RFC 9438 4.6: FlightSize * 0.7");
        }
        // With FlightSize the reduction depends on when the loss is found: RACK's timer, one Limited Transmit
        // segment fewer, leaves less than DupThresh (the loss is the same).
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO.withReductionBase(ReductionBase.FLIGHT_SIZE))) {
            assertEquals(21 * MSS / 2, recoveryAtRackTimer(p).slowStartThreshold());
        }
        assertEquals(ReductionBase.FLIGHT_SIZE, TcpProfile.RFC.reductionBase());
    }

    /**
     * An ACK that acknowledges new data and proves a loss at once (segment 10 arrived, 11 lost, 12-14 SACKed):
     * recovery starts from the window before this ACK, which does not grow it first (in slow start it would add
     * one segment), as Linux runs tcp_fastretrans_alert before tcp_cong_control.
     */
    @Test
    void theAckThatStartsRecoveryDoesNotGrowCwndFirst() {
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            twentyInFlight(p, true);
            TcpSender snd = p.conn().sender();
            dupAck(p, true, 11, new int[] {12, 15});
            assertTrue(snd.inRecovery(), "three SACKed above 11: lost at once (RFC 8985 6.2, reo_wnd 0)");
            assertEquals(10 * MSS, snd.slowStartThreshold(), "cwnd 20 / 2");
        }
    }

    /**
     * A timeout with six segments in flight and cwnd 10 (the initial window, not all used): the linux profile
     * takes 0.7 * cwnd, as Linux's tcp_enter_loss; a second timeout before any ACK keeps it (cwnd is then the first
     * timeout's one segment) and so does W_max. The rfc profile halves the six segments, the second time too.
     */
    @Test
    void timeoutReducesFromCwndOncePerWindow() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.LINUX)) {
            TcpSender snd = sixSegmentsTimedOut(p);
            int expected = (int) (10 * MSS * Cubic.BETA);
            assertEquals(expected, snd.slowStartThreshold(), "0.7 * cwnd 10, not * FlightSize 6");
            assertEquals(MSS, snd.congestionWindow(), "the loss window");
            assertEquals(1, p.await(Duration.ofSeconds(5)).seq(), "the first segment, resent");
            assertEquals(2, snd.timeouts());
            assertEquals(expected, snd.slowStartThreshold(), "not 2 MSS from the loss window");
            assertEquals(0.0, ((Cubic) snd.congestionControl()).wMax(), 1e-9, "Linux's CUBIC forgets W_max");
        }
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            TcpSender snd = sixSegmentsTimedOut(p);
            assertEquals(3 * MSS, snd.slowStartThreshold(), "RFC 5681 eq. 4: FlightSize 6 / 2");
            assertEquals(1, p.await(Duration.ofSeconds(5)).seq(), "the first segment, resent");
            assertEquals(2, snd.timeouts());
            assertEquals(3 * MSS, snd.slowStartThreshold());
        }
    }

    /**
     * After a timeout CUBIC climbs back by slow start and then starts a fresh curve at the window congestion
     * avoidance begins with, K = 0 (RFC 9438 4.8; Linux resets the curve on entering its Loss state). The linux
     * profile also forgets W_max, as Linux's bictcp_reset (last_max_cwnd = 0); the rfc profile takes W_max =
     * cwnd_epoch as 4.8 says. cwnd 20 segments, segments 10-29 in flight, the timer fires: ssthresh 14 either way
     * (0.7 * cwnd, and * FlightSize, both 20); the peer then acknowledges one segment per ACK.
     */
    @Test
    void aTimeoutStartsTheNextCubicEpochAtItsWindow() {
        for (TcpProfile profile : new TcpProfile[] {TcpProfile.LINUX,
                TcpProfile.RFC.withCongestionControl(CongestionControlKind.CUBIC)}) {
            try (TcpPeer p = new TcpPeer(COVERAGE, profile)) {
                TcpProportionalRateReductionTest.Sent sent = twentyInFlight(p, false);
                TcpSender snd = p.conn().sender();
                Cubic cubic = (Cubic) snd.congestionControl();
                p.runTo(p.conn().retransmitAt);
                assertEquals(1, snd.timeouts());
                assertEquals(List.of("R10"), sent.take());
                assertEquals(14 * MSS, snd.slowStartThreshold(), profile.name());
                assertEquals(profile.isLinux() ? 0.0 : 20.0, cubic.wMax(), 1e-9, profile.name() + ": W_max");
                int acked = 30; // the copy of 10 and the rest of the window arrived
                p.send(ACK, 1, TcpProportionalRateReductionTest.seg(acked));
                while (cubic.epochStart() < 0 && acked < 80) {
                    assertTrue(snd.congestionWindow() <= snd.slowStartThreshold(), "slow start until ssthresh");
                    assertFalse(sent.take().isEmpty(), "the window lets data out");
                    p.runMillis(TcpProportionalRateReductionTest.RTT_MS);
                    p.send(ACK, 1, TcpProportionalRateReductionTest.seg(++acked));
                }
                assertTrue(cubic.epochStart() >= 0, "congestion avoidance began");
                assertEquals(0.0, cubic.k(), 1e-9, profile.name() + ": K = 0");
                assertEquals(14.0, cubic.wCubic(0), 1e-9, profile.name() + ": the curve starts at cwnd_epoch");
                assertEquals(profile.isLinux() ? 0.0 : 14.0, cubic.wMax(), 1e-9, profile.name() + ": W_max");
            }
        }
    }

    /** Without SACK: six segments sent, none acknowledged, until the first is resent by the timer. */
    private static TcpSender sixSegmentsTimedOut(TcpPeer p) {
        int fd = p.activeOpen();
        TcpSender snd = p.conn().sender();
        p.api.send(fd, TcpPeer.bytes(6 * MSS), 0, 6 * MSS, 0);
        for (int i = 0; i < 6; i++) {
            p.expect();
        }
        assertEquals(10 * MSS, snd.congestionWindow());
        assertEquals(1, p.await(Duration.ofSeconds(5)).seq(), "the first segment, resent");
        assertEquals(1, snd.timeouts());
        return snd;
    }

    /**
     * A timeout during fast recovery: its start reduced the window already, and cwnd is now PRR's, so the linux
     * profile keeps ssthresh (tcp_enter_loss reduces only outside recovery) and restarts from one segment.
     */
    @Test
    void timeoutDuringFastRecoveryKeepsItsThreshold() {
        try (TcpPeer p = new TcpPeer(COVERAGE, LINUX_RENO)) {
            TcpSender snd = recoveryAtThirdDuplicate(p, true);
            assertEquals(10 * MSS, snd.slowStartThreshold());
            p.runTo(p.conn().retransmitAt);
            assertEquals(1, snd.timeouts());
            assertEquals(10 * MSS, snd.slowStartThreshold());
            assertEquals(MSS, snd.congestionWindow());
        }
    }
}
