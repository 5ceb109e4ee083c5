package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.tcp.TcpState.*;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.TcpOption;

/**
 * RFC 5961 in virtual time: challenge ACKs for in-window RSTs (3.2) and for SYNs in synchronized states (4.2),
 * the ACK range check (5.2), and the throttling of section 7 (per connection and stack-wide); plus the
 * handshake fixes around them (text on a SYN,ACK, a retransmitted SYN in SYN-RECEIVED).
 */
class TcpChallengeAckTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();

    private static TcpPeer peer() {
        return new TcpPeer(COVERAGE);
    }

    private static int recv(TcpPeer p, int fd, byte[] buf) {
        try {
            return p.api.recv(fd, buf, 0, buf.length, MSG_DONTWAIT);
        } catch (ErrnoException e) {
            assertEquals(Errno.EAGAIN, e.errno());
            return -1;
        }
    }

    @Test
    void inWindowRstDrawsAChallengeAndOnlyTheExactRstResets() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.send(RST, 1000, 0);
            p.expect(ACK, 1, 1); // RFC 5961 3.2: tells a real peer the exact sequence number to use
            assertEquals(ESTABLISHED, p.state());
            p.runMillis(500);
            p.send(RST | ACK, 1, 1);
            p.expectNothing();
            assertEquals(CLOSED, p.state());
            assertEquals(1, p.counter(Counter.TCP_CHALLENGE_ACKS));
            p.api.close(fd);
        }
    }

    @Test
    void challengeAcksAreLimitedPerConnection() {
        try (TcpPeer p = peer()) {
            p.activeOpen();
            p.send(RST, 100, 0);
            p.expect(ACK, 1, 1);
            p.runMillis(499);
            p.send(RST, 200, 0);
            p.send(SYN, 300, 0);
            p.expectNothing(); // within tcp_invalid_ratelimit of the first one
            assertEquals(2, p.counter(Counter.TCP_ACK_SKIPPED_CHALLENGE));
            p.runMillis(1);
            p.send(RST, 200, 0);
            p.expect(ACK, 1, 1);
            assertEquals(2, p.counter(Counter.TCP_CHALLENGE_ACKS));
            assertEquals(1, p.counter(Counter.TCP_SYN_CHALLENGE), "counted even when the ACK is skipped");
            assertEquals(ESTABLISHED, p.state());
        }
    }

    @Test
    void outOfWindowSynDrawsAChallengeNotTheOutOfWindowAck() {
        try (TcpPeer p = peer()) {
            p.activeOpen();
            p.send(ACK, 1_000_000, 1); // out of window, no data: answered and starts the 500 ms limit
            p.expect(ACK, 1, 1);
            assertEquals(1, p.counter(Counter.TCP_OUT_OF_WINDOW));
            p.runMillis(600);
            p.send(SYN, 2_000_000_000L, 0); // RFC 5961 4.2: irrespective of the sequence number
            p.expect(ACK, 1, 1);
            assertEquals(1, p.counter(Counter.TCP_SYN_CHALLENGE));
            assertEquals(1, p.counter(Counter.TCP_CHALLENGE_ACKS));
            assertEquals(1, p.counter(Counter.TCP_OUT_OF_WINDOW), "not taken for an out-of-window segment");
            assertEquals(ESTABLISHED, p.state());
        }
    }

    @Test
    void outOfWindowDataIsAlwaysAnsweredButBareAcksAreLimited() {
        try (TcpPeer p = peer()) {
            p.activeOpen();
            p.send(ACK, 1_000_000, 1);
            p.expect(ACK, 1, 1);
            p.send(ACK, 1_000_001, 1);
            p.expectNothing(); // could be an ACK loop: limited
            assertEquals(1, p.counter(Counter.TCP_ACK_SKIPPED_SEQ));
            p.send(PSH | ACK, 1_000_000, 1, TcpPeer.bytes(10));
            p.expect(ACK, 1, 1); // data is no ACK loop (Linux tcp_oow_rate_limited)
            assertEquals(2, p.counter(Counter.TCP_OUT_OF_WINDOW));
        }
    }

    @Test
    void ackBelowSndUnaMinusTheBytesAckedIsDiscardedWithItsData() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
            p.expect(PSH | ACK, 1, 1);
            p.send(ACK, 1, 101);
            p.expectNothing();
            // ACK = ISS: below SND.UNA - min(MAX.SND.WND, bytes acked) = ISS + 1. Data and all are dropped.
            p.send(PSH | ACK, 1, 0, TcpPeer.bytes(10));
            p.expect(ACK, 101, 1);
            assertEquals(-1, recv(p, fd, new byte[64]), "no data taken from a blind injection");
            assertEquals(1, p.counter(Counter.TCP_CHALLENGE_ACKS));
            // An old but acceptable ACK (the edge, ISS + 1) carries data normally.
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(10));
            p.expect(ACK, 101, 11);
            assertEquals(10, recv(p, fd, new byte[64]));
        }
    }

    @Test
    void ackBelowSndUnaMinusMaxSndWndIsDiscarded() {
        try (TcpPeer p = peer()) {
            // MAX.SND.WND 2000; segments are half of it (the stack, like Linux, never sends more than half the
            // largest window the peer offered in one segment).
            p.window = 2000;
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(6000), 0, 6000, 0);
            for (int acked = 1; acked < 6001; acked += 1000) {
                p.expect(acked == 5001 ? PSH | ACK : ACK, acked, 1);
                p.send(ACK, 1, acked + 1000);
            }
            p.expectNothing();
            p.send(PSH | ACK, 1, 6001 - 2001, TcpPeer.bytes(5)); // one beyond MAX.SND.WND = 2000
            p.expect(ACK, 6001, 1);
            assertEquals(-1, recv(p, fd, new byte[64]));
            p.runMillis(500);
            p.send(PSH | ACK, 1, 6001 - 2000, TcpPeer.bytes(5)); // exactly SND.UNA - MAX.SND.WND: acceptable
            p.expect(ACK, 6001, 6);
            assertEquals(5, recv(p, fd, new byte[64]));
            assertEquals(1, p.counter(Counter.TCP_CHALLENGE_ACKS));
        }
    }

    @Test
    void stackWideLimitHoldsAcrossConnectionsAndRefillsEachSecond() {
        // No per-connection limit, 10 a second stack-wide: each one-second slot allows between 5 and 14.
        TcpProfile profile = TcpProfile.LINUX.withRobustness(TcpRobustness.LINUX.withInvalidRateLimit(Duration.ZERO)
                .withChallengeAckLimit(10));
        try (TcpPeer p = new TcpPeer(COVERAGE, profile)) {
            p.activeOpen();
            int[] perSecond = new int[3];
            for (int second = 0; second < 3; second++) {
                for (int i = 0; i < 40; i++) {
                    p.send(RST, 100 + i, 0);
                }
                p.run(Duration.ZERO);
                perSecond[second] = p.net.wire.pending();
                p.net.wire.discardAll();
                p.runMillis(1000);
            }
            for (int n : perSecond) {
                assertTrue(n >= 5 && n < 15, "challenge ACKs in one second: " + n);
            }
            assertEquals(perSecond[0] + perSecond[1] + perSecond[2], p.counter(Counter.TCP_CHALLENGE_ACKS));
            assertEquals(0, p.counter(Counter.TCP_ACK_SKIPPED_CHALLENGE));
            assertEquals(ESTABLISHED, p.state());
        }
    }

    @Test
    void linuxProfileHasNoStackWideLimit() {
        TcpProfile profile = TcpProfile.LINUX.withRobustness(TcpRobustness.LINUX.withInvalidRateLimit(Duration.ZERO));
        try (TcpPeer p = new TcpPeer(COVERAGE, profile)) {
            p.activeOpen();
            for (int i = 0; i < 2000; i++) {
                p.send(RST, 100 + i, 0);
            }
            p.run(Duration.ZERO);
            assertEquals(2000, p.net.wire.pending());
            p.net.wire.discardAll();
        }
    }

    @Test
    void textAndFinOnTheSynAckAreProcessed() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            p.send(SYN | ACK | FIN, 0, 1, p.window, List.of(new TcpOption.Mss(1460)), TcpPeer.bytes(7));
            p.expect(ACK, 1, 9); // RFC 9293 3.10.7.3: continue at step six; SYN + 7 bytes + FIN acknowledged
            assertEquals(CLOSE_WAIT, p.state());
            p.api.connect(fd, new SockAddrIn(OneStack.PEER, TcpPeer.PEER_PORT));
            byte[] got = new byte[16];
            assertEquals(7, recv(p, fd, got));
            assertArrayEquals(TcpPeer.bytes(7), java.util.Arrays.copyOf(got, 7));
        }
    }

    @Test
    void retransmittedSynInSynReceivedGetsTheSynAckAgain() {
        try (TcpPeer p = peer()) {
            int l = p.listen();
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            p.expect(SYN | ACK, 0, 1);
            p.runMillis(100);
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            p.expect(SYN | ACK, 0, 1);
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            p.expectNothing(); // within the per-connection limit
            assertEquals(1, p.counter(Counter.TCP_ACK_SKIPPED_SYN_RECV));
            p.send(ACK, 1, 1);
            assertEquals(ESTABLISHED, p.state());
            p.accept(l);
        }
    }
}
