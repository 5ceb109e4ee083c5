package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.netstack4j.socket.SocketConstants.IPPROTO_TCP;
import static org.netstack4j.socket.SocketConstants.TCP_NODELAY;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.CWR;
import static org.netstack4j.wire.TcpSegment.ECE;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.SYN;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.tcp.cc.ReductionBase;
import org.netstack4j.testing.Checks;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.TcpOption;

/**
 * ECN (RFC 3168 6.1) in virtual time: negotiation for each tcp_ecn mode, ECT(0) on new data only, the receiver
 * echoing CE with ECE until CWR, and the sender halving its window once per window of data.
 */
class TcpEcnTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final List<TcpOption> MSS = List.of(new TcpOption.Mss(1460));

    private static TcpPeer peer(int mode) {
        return new TcpPeer(COVERAGE, TcpProfile.LINUX.withRobustness(TcpRobustness.LINUX.withEcn(mode)));
    }

    /** The next segment with the ECN field of its IPv4 header. */
    private record Marked(TcpPeer.Seg seg, int ecnField) {
    }

    private static Marked take(TcpPeer p) {
        p.run(Duration.ZERO);
        ByteBuf f = p.net.wire.take();
        if (f == null) {
            fail("expected a segment");
        }
        int field = new Ipv4Packet().wrap(f, EthernetFrame.HEADER_LENGTH, f.readableBytes()
                - EthernetFrame.HEADER_LENGTH).tos() & 3;
        return new Marked(p.parse(f), field);
    }

    private static Marked take(TcpPeer p, int flags, long seq, long ack) {
        Marked m = take(p);
        assertEquals(TcpPeer.flagString(flags), TcpPeer.flagString(m.seg.flags()), "flags of " + m.seg);
        assertEquals(seq, m.seg.seq(), "seq of " + m.seg);
        if ((flags & ACK) != 0) {
            assertEquals(ack, m.seg.ack(), "ack of " + m.seg);
        }
        return m;
    }

    /** Passive open with an ECN-setup SYN; returns the accepted fd. The SYN-ACK's flags are checked. */
    private static int passiveEcnOpen(TcpPeer p, boolean expectAccepted) {
        int l = p.listen();
        p.send(SYN | ECE | CWR, 0, 0, p.window, MSS, new byte[0]);
        Marked synAck = take(p, SYN | ACK | (expectAccepted ? ECE : 0), 0, 1);
        assertEquals(Ecn.NOT_ECT, synAck.ecnField, "RFC 3168 6.1.1: SYN-ACKs are not ECT");
        p.send(ACK, 1, 1);
        p.expectNothing();
        return p.accept(l);
    }

    @Test
    void linuxDefaultAcceptsButDoesNotAsk() {
        try (TcpPeer p = peer(2)) {
            p.connect();
            take(p, SYN, 0, 0);
        }
        try (TcpPeer p = peer(2)) {
            int fd = passiveEcnOpen(p, true);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            assertEquals(Ecn.ECT_0, take(p, PSH | ACK, 1, 1).ecnField, "new data is ECT(0)");
            p.send(PSH | ACK, 1, 11, TcpPeer.bytes(5));
            assertEquals(Ecn.NOT_ECT, take(p, ACK, 11, 6).ecnField, "pure ACKs are not ECT (6.1.4)");
        }
        assertEquals(2, TcpProfile.LINUX.robustness().ecn());
        assertEquals(1, TcpProfile.RFC.robustness().ecn());
    }

    @Test
    void offIgnoresAnEcnSetupSyn() {
        try (TcpPeer p = peer(0)) {
            int fd = passiveEcnOpen(p, false);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            assertEquals(Ecn.NOT_ECT, take(p, PSH | ACK, 1, 1).ecnField);
        }
    }

    @Test
    @Checks({"SHLD-8"})
    void activeOpenAsksAndNegotiatesOnlyOnAnEcnSetupSynAck() {
        try (TcpPeer p = peer(1)) {
            int fd = p.connect();
            assertEquals(Ecn.NOT_ECT, take(p, SYN | ECE | CWR, 0, 0).ecnField);
            p.send(SYN | ACK | ECE, 0, 1, p.window, MSS, new byte[0]);
            take(p, ACK, 1, 1);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            assertEquals(Ecn.ECT_0, take(p, PSH | ACK, 1, 1).ecnField);
        }
        try (TcpPeer p = peer(1)) {
            int fd = p.connect();
            take(p, SYN | ECE | CWR, 0, 0);
            p.send(SYN | ACK | ECE | CWR, 0, 1, p.window, MSS, new byte[0]); // not a setup SYN-ACK (6.1.1)
            take(p, ACK, 1, 1);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            assertEquals(Ecn.NOT_ECT, take(p, PSH | ACK, 1, 1).ecnField);
        }
        try (TcpPeer p = peer(1)) {
            p.connect();
            take(p, SYN | ECE | CWR, 0, 0);
            p.runMillis(1000);
            take(p, SYN, 0, 0); // the retransmitted SYN goes without ECN (fallback past ECN-hostile middleboxes)
        }
    }

    @Test
    @Checks({"SHLD-8"})
    void receiverEchoesCeUntilCwr() {
        try (TcpPeer p = peer(2)) {
            int fd = passiveEcnOpen(p, true);
            p.tos = Ecn.CE;
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(10));
            p.tos = Ecn.ECT_0;
            take(p, ACK | ECE, 1, 11); // at once
            p.send(PSH | ACK, 11, 1, TcpPeer.bytes(10));
            take(p, ACK | ECE, 1, 21); // every ACK until CWR (quick ACKs at the start: one per segment)
            p.send(PSH | ACK, 21, 1, TcpPeer.bytes(10));
            take(p, ACK | ECE, 1, 31);
            p.send(PSH | ACK | CWR, 31, 1, TcpPeer.bytes(10));
            take(p, ACK, 1, 41); // the CWR ended it
            p.send(PSH | ACK, 41, 1, TcpPeer.bytes(10));
            take(p, ACK, 1, 51);
            p.tos = Ecn.CE;
            p.send(PSH | ACK | CWR, 51, 1, TcpPeer.bytes(10)); // CWR and a new CE together: echo again
            take(p, ACK | ECE, 1, 61);
            p.api.close(fd);
            p.net.wire.discardAll();
        }
    }

    /**
     * Switches the accepted connection {@code fd} to Reno (RFC 3168's reaction is Reno's halving; CUBIC, the linux
     * default, would reduce by its beta of 0.7) without Nagle, and sends four full segments; returns its sender.
     */
    private static TcpSender fourSegmentsOutWithReno(TcpPeer p, int fd) {
        p.api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
        p.api.setsockoptString(fd, IPPROTO_TCP, org.netstack4j.socket.SocketConstants.TCP_CONGESTION, "reno");
        p.api.send(fd, TcpPeer.bytes(4 * 1460), 0, 4 * 1460, 0);
        for (int i = 0; i < 4; i++) {
            take(p);
        }
        return p.conn().sender();
    }

    @Test
    @Checks({"SHLD-8"})
    void senderHalvesOncePerWindowAndSignalsCwr() {
        // RFC 5681 eq. 4's FlightSize, which this test's figures follow, and the cut at once of RFC 3168 (the linux
        // profile halves cwnd, below, and spreads the reduction with PRR: TcpEcnRecoveryTest).
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.LINUX.withRobustness(TcpRobustness.LINUX.withEcn(2))
                .withReductionBase(ReductionBase.FLIGHT_SIZE).withProportionalRateReduction(false))) {
            int fd = passiveEcnOpen(p, true);
            TcpSender snd = fourSegmentsOutWithReno(p, fd);
            int cwnd = snd.congestionWindow();
            p.send(ACK | ECE, 1, 1 + 1460);
            int halved = Math.max(3 * 1460 / 2, 2 * 1460);
            assertEquals(halved, snd.congestionWindow(), "RFC 3168 6.1.2: halved, flight 3 segments");
            assertTrue(halved < cwnd);
            p.send(ACK | ECE, 1, 1 + 2 * 1460); // same window of data: no second reduction, only growth
            assertEquals(halved + 1460 * 1460 / halved, snd.congestionWindow());
            p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
            Marked next = take(p);
            assertEquals(1 + 4 * 1460, next.seg.seq());
            assertTrue((next.seg.flags() & CWR) != 0, "the first new data after the reduction carries CWR");
            assertEquals(Ecn.ECT_0, next.ecnField);
            p.send(ACK, 1, 1 + 4 * 1460 + 100);
            p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
            assertFalse((take(p).seg.flags() & CWR) != 0, "CWR once");
            p.send(ACK | ECE, 1, 1 + 4 * 1460 + 200); // past the recovery point: reduce again
            assertEquals(2 * 1460, snd.congestionWindow());
        }
    }

    /** The linux profile halves cwnd, not the flight, as Linux's tcp_enter_cwr (through tcp_reno_ssthresh). */
    @Test
    void linuxProfileHalvesCwndOnAnEcho() {
        try (TcpPeer p = peer(2)) {
            assertEquals(ReductionBase.CWND, p.profile.reductionBase());
            int fd = passiveEcnOpen(p, true);
            TcpSender snd = fourSegmentsOutWithReno(p, fd);
            assertEquals(10 * 1460, snd.congestionWindow(), "the initial window, a quarter of it unused");
            p.send(ACK | ECE, 1, 1 + 1460);
            assertEquals(5 * 1460, snd.slowStartThreshold(), "cwnd / 2, not FlightSize (3 segments) / 2");
            assertEquals(5 * 1460, snd.congestionWindow(), "PRR (spread): pipe 3 + min(ssthresh - pipe, 1 + 1)");
        }
    }

    @Test
    void retransmissionsAreNotEct() {
        try (TcpPeer p = peer(2)) {
            int fd = passiveEcnOpen(p, true);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            assertEquals(Ecn.ECT_0, take(p, PSH | ACK, 1, 1).ecnField);
            p.net.sim.runUntil(() -> p.net.wire.pending() > 0, Duration.ofSeconds(5));
            assertEquals(Ecn.NOT_ECT, take(p, PSH | ACK, 1, 1).ecnField, "RFC 3168 6.1.5");
        }
    }
}
