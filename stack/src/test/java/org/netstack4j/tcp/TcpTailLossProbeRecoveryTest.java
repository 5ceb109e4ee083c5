package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.tcp.TcpRackTest.COVERAGE;
import static org.netstack4j.tcp.TcpRackTest.RTT;
import static org.netstack4j.tcp.TcpRackTest.openWithSack;
import static org.netstack4j.tcp.TcpRackTest.sack;
import static org.netstack4j.tcp.TcpRackTest.seg;
import static org.netstack4j.tcp.TcpRackTest.sendSegments;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.cc.Cubic;

/**
 * The tail loss probe's own loss detection (RFC 8985 7.4.2) in the linux profile, against a scripted receiver in
 * virtual time (the set-up of {@link TcpRackTest}): a probe retransmission that repairs a lost tail segment
 * reduces the window once (cwnd = ssthresh, as Linux's tcp_process_tlp_ack) and counts TCPLossProbeRecovery; a
 * D-SACK for the probe, or a pure duplicate ACK, shows the original arrived and reduces nothing; a fast recovery
 * or a timeout after the probe reduces the window itself and the probe adds no second reduction.
 */
class TcpTailLossProbeRecoveryTest {
    private static final int MSS = TcpPeer.PEER_MSS;

    /**
     * Four segments after the handshake; {@code acked} of them are acknowledged one RTT later and the rest get no
     * answer. Returns the fd once the probe, a retransmission of the last segment (no new data waits), was sent.
     */
    private static int probeAfter(TcpPeer p, int acked) {
        int fd = openWithSack(p);
        sendSegments(p, fd, 4);
        p.run(Duration.ofNanos(RTT));
        for (int i = 1; i <= acked; i++) {
            sack(p, i);
        }
        TcpPeer.Seg probe = p.await(Duration.ofSeconds(1));
        assertEquals(seg(3), probe.seq(), "the probe resends the last segment: " + probe);
        assertEquals(1, p.counter(Counter.TCP_LOSS_PROBES));
        assertEquals(0, p.conn().sender().timeouts(), "a probe, not the RTO");
        return fd;
    }

    /** Sends two new segments (4 and 5) and acknowledges them one at a time, one RTT later. */
    private static void twoMoreSegments(TcpPeer p, int fd) {
        p.api.send(fd, TcpPeer.bytes(2 * MSS), 0, 2 * MSS, 0);
        assertEquals(seg(4), p.expect().seq());
        assertEquals(seg(5), p.expect().seq());
        p.run(Duration.ofNanos(RTT));
        sack(p, 5);
        sack(p, 6);
        p.expectNothingFor(Duration.ofSeconds(3));
    }

    @Test
    void aLossRepairedByTheProbeReducesTheWindowOnce() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = probeAfter(p, 3); // segment 3 is lost
            TcpSender snd = p.conn().sender();
            p.run(Duration.ofNanos(RTT));
            sack(p, 4); // the probe arrived: everything is acknowledged
            // SEG.ACK = TLP.end_seq: a D-SACK for a late original could still follow, so no verdict yet.
            assertEquals(Integer.MAX_VALUE, snd.slowStartThreshold());
            assertEquals(0, p.counter(Counter.TCP_LOSS_PROBE_RECOVERY));
            p.api.send(fd, TcpPeer.bytes(2 * MSS), 0, 2 * MSS, 0);
            assertEquals(seg(4), p.expect().seq());
            assertEquals(seg(5), p.expect().seq());
            p.run(Duration.ofNanos(RTT));
            int cwnd = snd.congestionWindow();
            sack(p, 5); // beyond TLP.end_seq and no D-SACK came: the probe repaired a loss
            assertEquals(1, p.counter(Counter.TCP_LOSS_PROBE_RECOVERY));
            int ssthresh = snd.slowStartThreshold();
            assertEquals((int) (cwnd * Cubic.BETA), ssthresh, "ssthresh = cwnd * beta (Linux: from cwnd)");
            assertTrue(snd.congestionWindow() >= ssthresh && snd.congestionWindow() < ssthresh + MSS,
                    "cwnd = ssthresh, then this ACK's congestion-avoidance growth: " + snd.congestionWindow());
            assertFalse(snd.inRecovery(), "nothing to resend: the probe delivered it");
            sack(p, 6);
            p.expectNothingFor(Duration.ofSeconds(3));
            assertEquals(ssthresh, snd.slowStartThreshold(), "reduced once");
            assertEquals(1, p.counter(Counter.TCP_LOSS_PROBE_RECOVERY));
            assertEquals(1, snd.retransmissions(), "only the probe");
            assertEquals(0, p.counter(Counter.TCP_SACK_RECOVERY));
            assertEquals(0, snd.timeouts());
        }
    }

    @Test
    void aDsackForTheProbeShowsTheOriginalWasOnlyDelayed() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            p.window = 32_768;
            int fd = probeAfter(p, 3); // segment 3 is late, not lost
            TcpSender snd = p.conn().sender();
            p.run(Duration.ofNanos(RTT));
            sack(p, 4); // the original arrives
            // Then the probe: a D-SACK for it (RFC 2883), on an ACK that also opens the window (the receiving
            // application read meanwhile), so that it is no pure duplicate and only the D-SACK tells.
            p.window = 65_535;
            sack(p, 4, new int[] {3, 4});
            twoMoreSegments(p, fd);
            assertEquals(0, p.counter(Counter.TCP_LOSS_PROBE_RECOVERY));
            assertEquals(Integer.MAX_VALUE, snd.slowStartThreshold(), "no reduction");
        }
    }

    @Test
    void aPureDuplicateAckShowsBothCopiesArrivedAtAReceiverWithoutDsack() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = probeAfter(p, 3);
            TcpSender snd = p.conn().sender();
            p.run(Duration.ofNanos(RTT));
            sack(p, 4);
            sack(p, 4); // the second copy, answered by a duplicate ACK without any SACK block
            twoMoreSegments(p, fd);
            assertEquals(0, p.counter(Counter.TCP_LOSS_PROBE_RECOVERY));
            assertEquals(Integer.MAX_VALUE, snd.slowStartThreshold(), "no reduction");
        }
    }

    @Test
    void aTimeoutAfterTheProbeIsTheOnlyReduction() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = probeAfter(p, 3); // segment 3 and its probe are lost
            TcpSender snd = p.conn().sender();
            TcpPeer.Seg r = p.await(Duration.ofSeconds(2));
            assertEquals(seg(3), r.seq(), "the RTO resends it");
            assertEquals(1, snd.timeouts());
            int ssthresh = snd.slowStartThreshold();
            assertTrue(ssthresh < Integer.MAX_VALUE);
            p.run(Duration.ofNanos(RTT));
            sack(p, 4);
            twoMoreSegments(p, fd);
            assertEquals(ssthresh, snd.slowStartThreshold(), "the timeout reduced this window already");
            assertEquals(0, p.counter(Counter.TCP_LOSS_PROBE_RECOVERY));
        }
    }

    @Test
    void aFastRecoveryAfterTheProbeIsTheOnlyReduction() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = probeAfter(p, 2); // segments 2 and 3 are lost
            TcpSender snd = p.conn().sender();
            p.run(Duration.ofNanos(RTT));
            sack(p, 2, new int[] {3, 4}); // the probe is SACKed: RACK marks 2 lost (RFC 8985 7.4.1)
            assertTrue(snd.inRecovery());
            assertEquals(1, p.counter(Counter.TCP_SACK_RECOVERY));
            assertEquals(seg(2), p.expect().seq(), "the fast retransmission");
            int ssthresh = snd.slowStartThreshold();
            assertTrue(ssthresh < Integer.MAX_VALUE);
            p.run(Duration.ofNanos(RTT));
            sack(p, 4);
            assertFalse(snd.inRecovery());
            twoMoreSegments(p, fd);
            assertEquals(ssthresh, snd.slowStartThreshold(), "fast recovery reduced this window already");
            assertEquals(0, p.counter(Counter.TCP_LOSS_PROBE_RECOVERY));
            assertEquals(0, snd.timeouts());
        }
    }
}
