package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.IPPROTO_TCP;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.socket.SocketConstants.SOCK_NONBLOCK;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.socket.SocketConstants.SOL_SOCKET;
import static org.netstack4j.socket.SocketConstants.SO_KEEPALIVE;
import static org.netstack4j.socket.SocketConstants.TCP_KEEPCNT;
import static org.netstack4j.socket.SocketConstants.TCP_KEEPIDLE;
import static org.netstack4j.socket.SocketConstants.TCP_KEEPINTVL;
import static org.netstack4j.socket.SocketConstants.TCP_NODELAY;
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
import org.netstack4j.testing.Checks;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpSegment;

/**
 * The timers of one connection in virtual time, to the nanosecond: TIME-WAIT, retransmission back-off and
 * Karn's rule, zero-window probes, keep-alive, delayed ACKs and Nagle (linux profile).
 */
class TcpTimersTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private static TcpPeer peer() {
        return new TcpPeer(COVERAGE);
    }

    /** Active open whose SYN-ACK comes after {@code rttMillis}, then 10 bytes ACKed after as long. */
    private static int openWithRtt(TcpPeer p, long rttMillis) {
        int fd = p.connect();
        p.expect(SYN, 0, 0);
        p.runMillis(rttMillis);
        p.send(SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(TcpPeer.PEER_MSS)), new byte[0]);
        p.expect(ACK, 1, 1);
        p.api.connect(fd, new SockAddrIn(OneStack.PEER, TcpPeer.PEER_PORT));
        p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
        p.expect(PSH | ACK, 1, 1);
        p.runMillis(rttMillis);
        p.send(ACK, 1, 11);
        p.expectNothing();
        return fd;
    }

    // ---------------------------------------------------------------- TIME-WAIT

    @Test
    @Checks({"MUST-13"})
    void timeWaitLastsExactlyTwoMsl() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            p.send(FIN | ACK, 1, 2);
            p.expect(ACK, 2, 2);
            long t0 = p.now();
            p.runTo(t0 + 60 * S - MS);
            assertEquals(TIME_WAIT, p.state(), "still in TIME-WAIT at 59.999 s");
            p.runTo(t0 + 60 * S - 1);
            assertEquals(TIME_WAIT, p.state());
            p.runTo(t0 + 60 * S);
            assertEquals(CLOSED, p.state(), "gone at 60 s (2 MSL, linux profile)");
            p.expectNothing();
        }
    }

    @Test
    @Checks({"MUST-13"})
    void retransmittedFinInTimeWaitIsAckedAndRestartsTheWait() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            p.send(FIN | ACK, 1, 2);
            p.expect(ACK, 2, 2);
            long t0 = p.now();
            p.runTo(t0 + 30 * S);
            p.send(FIN | ACK, 1, 2); // our ACK was lost: the peer retransmits its FIN
            p.expect(ACK, 2, 2);
            p.runMillis(1);
            p.send(FIN | ACK, 1, 2); // and again, at once: TIME-WAIT answers every one (no rate limit)
            p.expect(ACK, 2, 2);
            long t1 = p.now();
            p.runTo(t1 + 60 * S - 1);
            assertEquals(TIME_WAIT, p.state(), "the 2 MSL wait restarted at the last FIN");
            p.runTo(t1 + 60 * S);
            assertEquals(CLOSED, p.state());
        }
    }

    @Test
    @Checks({"MUST-13"})
    void timeWaitWithTheRfcProfileLastsFourMinutes() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            int fd = p.activeOpen();
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            p.send(FIN | ACK, 1, 2);
            p.expect(ACK, 2, 2);
            long t0 = p.now();
            p.runTo(t0 + 240 * S - 1);
            assertEquals(TIME_WAIT, p.state());
            p.runTo(t0 + 240 * S);
            assertEquals(CLOSED, p.state());
        }
    }

    // ---------------------------------------------------------------- retransmission timeout

    @Test
    void dataRetransmissionsDoubleFromTheMeasuredRtoWithTheMinimumOf200msUnderTheVarianceTerm() {
        try (TcpPeer p = peer()) {
            int fd = openWithRtt(p, 10);
            RttEstimator rtt = p.conn().sender().rttEstimator();
            assertEquals(10 * MS, rtt.srtt());
            // Linux: RTO = SRTT + max(4 RTTVAR, rto_min) (tcp_set_rto), not max(SRTT + 4 RTTVAR, rto_min).
            assertEquals(210 * MS, rtt.rto(), "10 ms + max(4 * 5 ms, the 200 ms minimum)");
            p.api.send(fd, TcpPeer.bytes(20), 0, 20, 0);
            TcpPeer.Seg first = p.expect(PSH | ACK, 11, 1);
            long sent = first.at();
            long expected = sent;
            for (long interval : new long[] {210, 420, 840, 1680, 3360}) {
                expected += interval * MS;
                TcpPeer.Seg r = p.await(Duration.ofSeconds(10), PSH | ACK, 11, 1);
                assertEquals(expected, r.at(), "retransmission after " + interval + " ms");
                assertEquals(20, r.payload().length);
            }
            p.send(ACK, 1, 31);
            p.expectNothing();
            assertEquals(5, p.counter(Counter.TCP_TIMEOUTS));
            // Karn (RFC 6298 3, 5.5): the ACK of a retransmitted segment is no sample, so the back-off stays.
            assertEquals(5, p.conn().sender().rttEstimator().backoffCount(), "back-off kept without an RTT sample");
            assertEquals(210 * MS << 5, p.conn().sender().rto());
        }
    }

    @Test
    @Checks({"MUST-19", "MUST-22"})
    void synRetransmissionsBackOffFromOneSecondThenTheDataRtoIsThreeSeconds() {
        try (TcpPeer p = peer()) {
            p.connect();
            long t0 = p.expect(SYN, 0, 0).at();
            long[] expected = {1, 3, 7, 15};
            for (long at : expected) {
                assertEquals(t0 + at * S, p.await(Duration.ofSeconds(20), SYN, 0, 0).at());
            }
            // The SYN-ACK that finally arrives completes the handshake; no RTT sample from a retransmitted SYN.
            p.send(SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            p.expect(ACK, 1, 1);
            assertEquals(ESTABLISHED, p.state());
            assertEquals(-1, p.conn().sender().rttEstimator().srtt());
            assertEquals(4, p.counter(Counter.TCP_TIMEOUTS), "TCPTimeouts counts SYN timeouts too");
            assertEquals(0, p.conn().sender().rttEstimator().backoffCount(), "the SYN's back-off ends");
            assertEquals(3 * S, p.conn().sender().rto(), "RFC 6298 5.7: 3 s after a SYN timeout without a sample");
        }
    }

    @Test
    @Checks({"MUST-19"})
    void synAckRetransmittedGivesAThreeSecondDataRto() {
        try (TcpPeer p = peer()) {
            int l = p.listen();
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(TcpPeer.PEER_MSS)), new byte[0]);
            long t0 = p.expect(SYN | ACK, 0, 1).at();
            assertEquals(t0 + 1 * S, p.await(Duration.ofSeconds(2), SYN | ACK, 0, 1).at());
            p.send(ACK, 1, 1); // ambiguous: no RTT sample (Karn)
            int fd = p.accept(l);
            assertEquals(-1, p.conn().sender().rttEstimator().srtt());
            assertEquals(3 * S, p.conn().sender().rto(), "RFC 6298 5.7 on the passive side too (as Linux)");
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            long sent = p.expect(PSH | ACK, 1, 1).at();
            assertEquals(sent + 3 * S, p.await(Duration.ofSeconds(4), PSH | ACK, 1, 1).at());
        }
    }

    @Test
    void linuxResendsTheSynSoonAfterAnUnacceptableAckInSynSent() {
        for (TcpProfile profile : List.of(TcpProfile.LINUX, TcpProfile.RFC)) {
            try (TcpPeer p = new TcpPeer(COVERAGE, profile)) {
                p.connect();
                // The rfc profile asks for ECN (RFC 3168 6.1.1) on its first SYN, not on retransmissions.
                int syn = profile.isLinux() ? SYN : SYN | TcpSegment.ECE | TcpSegment.CWR;
                long t0 = p.expect(syn, 0, 0).at();
                p.runMillis(100);
                // RFC 9293 3.10.7.3: SEG.ACK > SND.NXT draws <SEQ=SEG.ACK><CTL=RST>.
                p.send(SYN | ACK, 0, 1001, p.window, List.of(new TcpOption.Mss(TcpPeer.PEER_MSS)), new byte[0]);
                long rstAt = p.expect(RST, 1001, 0).at();
                long expected = profile.isLinux() ? rstAt + 2 * MS : t0 + 1 * S; // Linux: TCP_TIMEOUT_MIN
                assertEquals(expected, p.await(Duration.ofSeconds(2), SYN, 0, 0).at(), profile.name());
                // The next retransmission follows the doubled RTO, not the short retry.
                p.send(SYN | ACK, 0, 1001, p.window, List.of(new TcpOption.Mss(TcpPeer.PEER_MSS)), new byte[0]);
                long rst2 = p.expect(RST, 1001, 0).at();
                assertEquals(expected + 2 * S, p.await(Duration.ofSeconds(3), SYN, 0, 0).at(), profile.name());
                assertTrue(rst2 < expected + 2 * S);
            }
        }
    }

    @Test
    void theHandshakeIsTimedSoTheFirstRtoFollowsThePath() {
        try (TcpPeer p = peer()) {
            int fd = openWithRtt(p, 30);
            RttEstimator rtt = p.conn().sender().rttEstimator();
            assertEquals(30 * MS, rtt.srtt(), "the SYN's 30 ms, then the data's 30 ms");
            assertEquals(230 * MS, p.conn().sender().rto(),
                    "30 ms + max(4 RTTVAR, 200 ms), not the initial 1 s (RFC 6298 2.2 after the SYN)");
            p.api.close(fd);
        }
        try (TcpPeer p = peer()) {
            int l = p.listen();
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(TcpPeer.PEER_MSS)), new byte[0]);
            p.expect(SYN | ACK, 0, 1);
            p.runMillis(40);
            p.send(ACK, 1, 1);
            assertEquals(40 * MS, p.conn().sender().rttEstimator().srtt(), "the SYN,ACK is timed too");
            p.accept(l);
        }
    }

    @Test
    @Checks({"MUST-18"})
    void karnNoSampleFromARetransmittedSegment() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            long srtt = p.conn().sender().rttEstimator().srtt();
            long rto = p.conn().sender().rto();
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            long t0 = p.expect(PSH | ACK, 1, 1).at();
            assertEquals(t0 + rto, p.await(Duration.ofSeconds(2), PSH | ACK, 1, 1).at());
            p.runMillis(5);
            p.send(ACK, 1, 11); // ambiguous: ACK of the original or of the retransmission
            assertEquals(srtt, p.conn().sender().rttEstimator().srtt(), "Karn: no sample");
            assertEquals(2 * rto, p.conn().sender().rto(), "Karn: the backed-off RTO stays until a valid sample");
            // The next segment is timed with the doubled RTO; its ACK is a valid sample and collapses the RTO.
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            long t1 = p.expect(PSH | ACK, 11, 1).at();
            assertEquals(t1 + 2 * rto, p.await(Duration.ofSeconds(2), PSH | ACK, 11, 1).at(), "doubled RTO in force");
            p.send(ACK, 1, 21);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 21, 1);
            p.send(ACK, 1, 31);
            assertEquals(0, p.conn().sender().rttEstimator().backoffCount(), "a valid sample forgets the back-off");
            assertEquals(rto, p.conn().sender().rto());
        }
    }

    @Test
    @Checks({"MUST-18"})
    void karnNoSampleFromSegmentsResentAfterATimeout() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
            long srtt = p.conn().sender().rttEstimator().srtt();
            p.api.send(fd, TcpPeer.bytes(1460), 0, 1460, 0);
            p.api.send(fd, TcpPeer.bytes(1460), 0, 1460, 0);
            p.expect(PSH | ACK, 1, 1);
            p.expect(PSH | ACK, 1461, 1);
            // Timeout: the first is retransmitted; once it is ACKed the second is sent again (go-back-N).
            p.await(Duration.ofSeconds(2), PSH | ACK, 1, 1);
            p.runMillis(3);
            p.send(ACK, 1, 1461);
            p.expect(PSH | ACK, 1461, 1);
            p.runMillis(3);
            p.send(ACK, 1, 2921);
            p.expectNothing();
            assertEquals(srtt, p.conn().sender().rttEstimator().srtt(),
                    "Karn: the resent second segment is a retransmission too");
        }
    }

    // ---------------------------------------------------------------- zero window

    @Test
    @Checks({"MUST-35", "MUST-36", "SHLD-30"})
    void zeroWindowProbesBackOffAndDataFlowsWhenTheWindowOpens() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
            p.expect(PSH | ACK, 1, 1);
            p.send(ACK, 1, 101, 0); // all acknowledged, window closed (RTT 0: RTO 200 ms)
            p.api.send(fd, TcpPeer.bytes(50), 0, 50, 0);
            p.expectNothing();
            long t = p.now();
            for (long interval : new long[] {200, 400, 800, 1600}) {
                t += interval * MS;
                // Linux's probe: an ACK one below SND.UNA, which the peer must answer with its window.
                TcpPeer.Seg probe = p.await(Duration.ofSeconds(5), ACK, 100, 1);
                assertEquals(0, probe.payload().length);
                assertEquals(t, probe.at(), "probe after " + interval + " ms");
                p.send(ACK, 1, 101, 0);
                p.expectNothing();
            }
            p.send(ACK, 1, 101, 1000); // window update
            TcpPeer.Seg d = p.expect(PSH | ACK, 101, 1);
            assertEquals(50, d.payload().length);
            p.send(ACK, 1, 151, 1000);
            p.expectNothingFor(Duration.ofSeconds(10));
        }
    }

    @Test
    @Checks({"MUST-38"})
    void smallWindowHeldBySwsAvoidanceGoesOutAtTheOverrideTimeout() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            long rto = p.conn().sender().rto();
            p.send(ACK, 1, 1, 1000); // usable window below the MSS and below half the largest window seen
            p.api.send(fd, TcpPeer.bytes(3000), 0, 3000, 0);
            long t = p.now();
            // RFC 9293 3.8.6.2.1: the sender waits, but only until the override timeout (one RTO, as Linux).
            p.expectNothingFor(Duration.ofNanos(rto - 1));
            TcpPeer.Seg d = p.await(Duration.ofSeconds(1), PSH | ACK, 1, 1);
            assertEquals(t + rto, d.at());
            assertEquals(1000, d.payload().length, "what fits in the window, with PSH");
            p.send(ACK, 1, 1001, 65535);
            assertEquals(1460, p.expect(ACK, 1001, 1).payload().length);
            assertEquals(540, p.expect(PSH | ACK, 2461, 1).payload().length, "the write's end");
        }
    }

    @Test
    @Checks({"MUST-37"})
    void zeroWindowProbesNeverGiveUpWhileAnswered() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
            p.expect(PSH | ACK, 1, 1);
            p.send(ACK, 1, 101, 0);
            p.api.send(fd, TcpPeer.bytes(50), 0, 50, 0);
            for (int i = 0; i < 30; i++) {
                p.await(Duration.ofSeconds(200), ACK, 100, 1);
                p.send(ACK, 1, 101, 0);
            }
            assertEquals(ESTABLISHED, p.state());
        }
    }

    // ---------------------------------------------------------------- keep-alive

    private static void keepalive(TcpPeer p, int fd, int idle, int interval, int count) {
        p.api.setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
        p.api.setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle);
        p.api.setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, interval);
        p.api.setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, count);
    }

    @Test
    @Checks({"MUST-24", "MUST-26"})
    void keepaliveProbesThenTimesOutWithRst() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            long t0 = p.now();
            keepalive(p, fd, 10, 2, 3);
            for (long at : new long[] {10, 12, 14}) {
                TcpPeer.Seg probe = p.await(Duration.ofSeconds(20), ACK, 0, 1); // SEQ = SND.UNA - 1, no data
                assertEquals(t0 + at * S, probe.at());
                assertEquals(0, probe.payload().length);
            }
            // Linux (tcp_send_active_reset) acknowledges RCV.NXT with the RST; the linux profile does too.
            TcpPeer.Seg rst = p.await(Duration.ofSeconds(20), RST | ACK, 1, 1);
            assertEquals(t0 + 16 * S, rst.at(), "after KEEPCNT unanswered probes");
            assertEquals(CLOSED, p.state());
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> p.api.recv(fd, new byte[8], 0, 8, MSG_DONTWAIT));
            assertEquals(Errno.ETIMEDOUT, e.errno());
        }
    }

    @Test
    @Checks({"MUST-24"})
    void rfcProfileKeepaliveTimeoutSendsAPlainRst() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            int fd = p.activeOpen();
            long t0 = p.now();
            keepalive(p, fd, 10, 2, 1);
            assertEquals(t0 + 10 * S, p.await(Duration.ofSeconds(20), ACK, 0, 1).at());
            // RFC 9293 3.10.5: <SEQ=SND.NXT><CTL=RST>, no ACK.
            assertEquals(t0 + 12 * S, p.await(Duration.ofSeconds(20), RST, 1, 0).at());
            assertEquals(CLOSED, p.state());
        }
    }

    @Test
    @Checks({"MUST-29"})
    void answeredKeepaliveProbeResetsTheCount() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            long t0 = p.now();
            keepalive(p, fd, 10, 2, 3);
            assertEquals(t0 + 10 * S, p.await(Duration.ofSeconds(20), ACK, 0, 1).at());
            assertEquals(t0 + 12 * S, p.await(Duration.ofSeconds(20), ACK, 0, 1).at());
            p.send(ACK, 1, 1); // the peer is alive
            p.expectNothing();
            long t1 = p.now();
            for (long at : new long[] {10, 12, 14}) {
                assertEquals(t1 + at * S, p.await(Duration.ofSeconds(20), ACK, 0, 1).at());
            }
            assertEquals(t1 + 16 * S, p.await(Duration.ofSeconds(20), RST | ACK, 1, 1).at());
        }
    }

    @Test
    @Checks({"MUST-24"})
    void keepaliveSetBeforeConnectStartsWhenEstablished() {
        try (TcpPeer p = peer()) {
            int fd = p.api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            keepalive(p, fd, 5, 1, 2);
            assertThrows(ErrnoException.class, () -> p.api.connect(fd, new SockAddrIn(OneStack.PEER,
                    TcpPeer.PEER_PORT)));
            p.port = p.conn().localPort();
            p.expect(SYN, 0, 0);
            p.send(SYN | ACK, 0, 1);
            p.expect(ACK, 1, 1);
            long t0 = p.now();
            assertEquals(t0 + 5 * S, p.await(Duration.ofSeconds(20), ACK, 0, 1).at());
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
        }
    }

    // ---------------------------------------------------------------- delayed ACK

    @Test
    @Checks({"MUST-40", "SHLD-18"})
    void delayedAckAfterQuickAckMode() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            long seq = 1;
            for (int i = 0; i < 16; i++) { // Linux quick-ACK mode at the start: every segment ACKed at once
                p.send(PSH | ACK, seq, 1, TcpPeer.bytes(100));
                seq += 100;
                p.expect(ACK, 1, seq);
            }
            p.send(PSH | ACK, seq, 1, TcpPeer.bytes(100));
            seq += 100;
            long t = p.now();
            p.expectNothingFor(Duration.ofMillis(40).minusNanos(1));
            TcpPeer.Seg ack = p.await(Duration.ofMillis(1), ACK, 1, seq);
            assertEquals(t + 40 * MS, ack.at(), "delayed ACK after 40 ms");
            // Two full-sized segments: the second is ACKed at once.
            p.send(ACK, seq, 1, TcpPeer.bytes(1460));
            seq += 1460;
            p.expectNothing();
            p.runMillis(10);
            p.send(ACK, seq, 1, TcpPeer.bytes(1460));
            seq += 1460;
            p.expect(ACK, 1, seq);
            p.expectNothingFor(Duration.ofSeconds(1));
            byte[] buf = new byte[8192];
            int total = 0;
            int n;
            while (total < 1700 + 2920 && (n = p.api.recv(fd, buf, 0, buf.length, MSG_DONTWAIT)) > 0) {
                total += n;
            }
            assertEquals(1700 + 2920, total);
        }
    }

    @Test
    void dataPiggybacksTheDelayedAck() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            long seq = 1;
            for (int i = 0; i < 16; i++) {
                p.send(PSH | ACK, seq, 1, TcpPeer.bytes(10));
                seq += 10;
                p.expect(ACK, 1, seq);
            }
            p.send(PSH | ACK, seq, 1, TcpPeer.bytes(10));
            seq += 10;
            p.runMillis(5);
            p.api.send(fd, TcpPeer.bytes(3), 0, 3, 0);
            p.expect(PSH | ACK, 1, seq); // the reply carries the ACK
            p.expectNothingFor(Duration.ofMillis(100)); // and the delayed ACK was cancelled
        }
    }

    // ---------------------------------------------------------------- Nagle

    @Test
    @Checks({"SHLD-7"})
    void nagleHoldsASmallWriteWhileDataIsUnacknowledged() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 1);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.api.send(fd, TcpPeer.bytes(5), 0, 5, 0);
            p.expectNothingFor(Duration.ofMillis(150)); // less than the 200 ms RTO from the handshake's sample
            p.send(ACK, 1, 11);
            TcpPeer.Seg d = p.expect(PSH | ACK, 11, 1);
            assertEquals(15, d.payload().length, "the small writes coalesced");
            p.send(ACK, 1, 26);
            p.expectNothing();
        }
    }

    @Test
    @Checks({"SHLD-7", "SHLD-28"})
    void nagleLetsFullSegmentsGo() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 1);
            p.api.send(fd, TcpPeer.bytes(1460 + 100), 0, 1560, 0);
            TcpPeer.Seg full = p.expect(ACK, 11, 1);
            assertEquals(1460, full.payload().length);
            p.expectNothing(); // the 100-byte tail waits
            p.send(ACK, 1, 1471);
            TcpPeer.Seg tail = p.expect(PSH | ACK, 1471, 1);
            assertEquals(100, tail.payload().length);
        }
    }

    @Test
    @Checks({"MUST-17"})
    void tcpNodelaySendsAtOnce() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 1);
            p.api.send(fd, TcpPeer.bytes(7), 0, 7, 0);
            TcpPeer.Seg second = p.expect(PSH | ACK, 11, 1);
            assertArrayEquals(TcpPeer.bytes(7), second.payload());
            p.send(ACK, 1, 18);
            p.expectNothing();
        }
    }

    @Test
    @Checks({"MUST-17"})
    void settingNodelayFlushesWhatNagleHeld() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 1);
            p.api.send(fd, TcpPeer.bytes(4), 0, 4, 0);
            p.expectNothing();
            p.api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
            p.expect(PSH | ACK, 11, 1);
            assertTrue(p.state() == ESTABLISHED);
        }
    }
}
