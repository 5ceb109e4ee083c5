package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.socket.SocketConstants.SHUT_WR;
import static org.netstack4j.socket.SocketConstants.SOL_SOCKET;
import static org.netstack4j.socket.SocketConstants.SO_ERROR;
import static org.netstack4j.tcp.TcpState.*;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.Checks;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.TcpOption;

/**
 * Every state and arrow of RFC 9293's state diagram (Figure 5, with the rules of section 3.10), driven one
 * crafted segment at a time against one stack; the segments the stack answers with are checked field by field.
 * The last check ({@link #everyCellOfTheTableIsExercised}) fails if some (state, event) cell of
 * {@link TcpTransitions#table()} was never taken by the tests of this class.
 */
class TcpStateMachineTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final Duration HOUR = Duration.ofHours(1);

    @AfterAll
    static void everyCellOfTheTableIsExercised() {
        assertEquals(List.of(), COVERAGE.wrong(), "trace events that disagree with the table");
        List<String> missing = COVERAGE.missing();
        assertTrue(missing.isEmpty(), missing.size() + " of " + TransitionCoverage.cells()
                + " cells of TcpTransitions.table() never exercised: " + missing);
    }

    private static TcpPeer peer() {
        return new TcpPeer(COVERAGE);
    }

    private static int recv(TcpPeer p, int fd, byte[] buf) {
        return p.api.recv(fd, buf, 0, buf.length, MSG_DONTWAIT);
    }

    private static Errno recvError(TcpPeer p, int fd) {
        try {
            recv(p, fd, new byte[16]);
        } catch (ErrnoException e) {
            return e.errno();
        }
        return null;
    }

    /** Runs until the connection is gone, discarding what the stack sends meanwhile. */
    private static void runUntilClosed(TcpPeer p, Duration max) {
        assertTrue(p.net.sim.runUntil(() -> p.state() == CLOSED, max), "reaches CLOSED; now " + p.state());
        p.net.wire.discardAll();
    }

    // ---------------------------------------------------------------- opens

    @Test
    void passiveOpen() {
        try (TcpPeer p = peer()) {
            int l = p.listen();
            p.send(SYN, 0, 0, 5840, List.of(new TcpOption.Mss(1000)), new byte[0]);
            TcpPeer.Seg synAck = p.expect(SYN | ACK, 0, 1);
            assertEquals(1460, synAck.mss());
            assertTrue(synAck.window() > 0);
            assertEquals(SYN_RECEIVED, p.state());
            p.send(ACK, 1, 1);
            p.expectNothing();
            assertEquals(ESTABLISHED, p.state());
            assertEquals(List.of("LISTEN>SYN_RECEIVED:RCV_SYN", "SYN_RECEIVED>ESTABLISHED:RCV_ACK_OF_SYN"),
                    p.transitions());
            int fd = p.accept(l);
            assertEquals(1000, p.conn().sender().mss(), "the peer's MSS bounds ours");
            // Data from the accepted socket goes out at once (idle connection, Nagle allows it).
            p.api.send(fd, TcpPeer.bytes(5), 0, 5, 0);
            TcpPeer.Seg d = p.expect(PSH | ACK, 1, 1);
            assertArrayEquals(TcpPeer.bytes(5), d.payload());
        }
    }

    @Test
    void activeOpen() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            TcpPeer.Seg syn = p.expect(SYN, 0, 0);
            assertEquals(1460, syn.mss());
            assertEquals(0, syn.h().acknowledgmentNumber(), "no ACK field in a SYN");
            assertEquals(SYN_SENT, p.state());
            p.send(SYN | ACK, 0, 1, 8000, List.of(new TcpOption.Mss(1200)), new byte[0]);
            TcpPeer.Seg ack = p.expect(ACK, 1, 1);
            assertEquals(0, ack.payload().length);
            assertEquals(ESTABLISHED, p.state());
            p.api.connect(fd, new SockAddrIn(OneStack.PEER, TcpPeer.PEER_PORT));
            assertEquals(1200, p.conn().sender().mss());
            assertEquals(List.of("CLOSED>SYN_SENT:ACTIVE_OPEN", "SYN_SENT>ESTABLISHED:RCV_SYN_ACK"), p.transitions());
        }
    }

    @Test
    @Checks({"MUST-10"})
    void simultaneousOpen() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            // RFC 9293 Figure 8: both SYNs cross; each side answers with SYN,ACK repeating its SYN.
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            TcpPeer.Seg synAck = p.expect(SYN | ACK, 0, 1);
            assertEquals(1460, synAck.mss());
            assertEquals(SYN_RECEIVED, p.state());
            p.send(SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            assertEquals(ESTABLISHED, p.state());
            p.expectNothing();
            assertEquals(List.of("CLOSED>SYN_SENT:ACTIVE_OPEN", "SYN_SENT>SYN_RECEIVED:RCV_SIMULTANEOUS_SYN",
                    "SYN_RECEIVED>ESTABLISHED:RCV_ACK_OF_SYN"), p.transitions());
            p.api.connect(fd, new SockAddrIn(OneStack.PEER, TcpPeer.PEER_PORT));
            p.api.send(fd, TcpPeer.bytes(3), 0, 3, 0);
            p.expect(PSH | ACK, 1, 1);
            p.send(ACK, 1, 4);
            p.expectNothingFor(Duration.ofSeconds(5));
        }
    }

    @Test
    @Checks({"MUST-10"})
    void simultaneousOpenCompletedByAPlainAck() {
        try (TcpPeer p = peer()) {
            p.connect();
            p.expect(SYN, 0, 0);
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.send(ACK, 1, 1);
            assertEquals(ESTABLISHED, p.state());
            p.expectNothing();
        }
    }

    // ---------------------------------------------------------------- closes

    @Test
    void activeCloseThroughFinWait2AndTimeWait() {
        try (TcpPeer p = peer()) {
            int fd = p.passiveOpen(p.listen());
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            assertEquals(FIN_WAIT_1, p.state());
            p.send(ACK, 1, 2);
            p.expectNothing();
            assertEquals(FIN_WAIT_2, p.state());
            p.send(FIN | ACK, 1, 2);
            p.expect(ACK, 2, 2);
            assertEquals(TIME_WAIT, p.state());
            p.run(Duration.ofSeconds(60));
            assertEquals(CLOSED, p.state());
            p.expectNothing();
            assertTrue(p.transitions().containsAll(List.of("ESTABLISHED>FIN_WAIT_1:CLOSE",
                    "FIN_WAIT_1>FIN_WAIT_2:RCV_ACK_OF_FIN", "FIN_WAIT_2>TIME_WAIT:RCV_FIN",
                    "TIME_WAIT>CLOSED:TIME_WAIT_TIMEOUT")), p.transitions().toString());
        }
    }

    @Test
    void passiveCloseThroughCloseWaitAndLastAck() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.send(FIN | ACK, 1, 1);
            p.expect(ACK, 1, 2);
            assertEquals(CLOSE_WAIT, p.state());
            assertEquals(0, recv(p, fd, new byte[8]), "end of stream");
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 2);
            assertEquals(LAST_ACK, p.state());
            p.send(ACK, 2, 2);
            assertEquals(CLOSED, p.state());
            p.expectNothing();
            assertTrue(p.transitions().containsAll(List.of("ESTABLISHED>CLOSE_WAIT:RCV_FIN",
                    "CLOSE_WAIT>LAST_ACK:CLOSE", "LAST_ACK>CLOSED:RCV_ACK_OF_FIN")));
        }
    }

    @Test
    void simultaneousCloseThroughClosing() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            // The peer's FIN crosses ours: it does not acknowledge our FIN.
            p.send(FIN | ACK, 1, 1);
            p.expect(ACK, 2, 2);
            assertEquals(CLOSING, p.state());
            p.send(ACK, 2, 2);
            assertEquals(TIME_WAIT, p.state());
            p.expectNothing();
            assertTrue(p.transitions().containsAll(List.of("FIN_WAIT_1>CLOSING:RCV_FIN",
                    "CLOSING>TIME_WAIT:RCV_ACK_OF_FIN")));
        }
    }

    @Test
    void finAndAckOfFinTogetherInFinWait1() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            p.send(FIN | ACK, 1, 2);
            p.expect(ACK, 2, 2);
            assertEquals(TIME_WAIT, p.state());
            assertTrue(p.transitions().contains("FIN_WAIT_1>TIME_WAIT:RCV_FIN_ACK_OF_FIN"), p.transitions().toString());
        }
    }

    @Test
    void dataAndFinAndAckOfFinTogetherInFinWait1() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.shutdown(fd, SHUT_WR);
            p.expect(FIN | ACK, 1, 1);
            p.send(FIN | PSH | ACK, 1, 2, TcpPeer.bytes(10));
            p.expect(ACK, 2, 12);
            assertEquals(TIME_WAIT, p.state());
            byte[] buf = new byte[32];
            assertEquals(10, recv(p, fd, buf));
            assertEquals(0, recv(p, fd, buf));
        }
    }

    @Test
    void halfCloseOurSideDataStillArrives() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.api.shutdown(fd, SHUT_WR);
            p.expect(FIN | ACK, 1, 1);
            p.send(ACK, 1, 2);
            assertEquals(FIN_WAIT_2, p.state());
            p.send(PSH | ACK, 1, 2, TcpPeer.bytes(100));
            p.expect(ACK, 2, 101); // quick-ACK mode: at once
            p.send(PSH | ACK, 101, 2, TcpPeer.bytes(50));
            p.expect(ACK, 2, 151);
            byte[] buf = new byte[200];
            assertEquals(150, recv(p, fd, buf));
            assertThrows(ErrnoException.class, () -> p.api.send(fd, new byte[1], 0, 1, MSG_DONTWAIT), "EPIPE");
            p.send(FIN | ACK, 151, 2);
            p.expect(ACK, 2, 152);
            assertEquals(TIME_WAIT, p.state());
            assertEquals(0, recv(p, fd, buf));
            p.api.close(fd);
            p.expectNothing();
        }
    }

    @Test
    void halfClosePeerSideWeKeepSending() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.send(FIN | ACK, 1, 1);
            p.expect(ACK, 1, 2);
            assertEquals(CLOSE_WAIT, p.state());
            p.api.send(fd, TcpPeer.bytes(300), 0, 300, 0);
            TcpPeer.Seg d = p.expect(PSH | ACK, 1, 2);
            assertEquals(300, d.payload().length);
            p.send(ACK, 2, 301);
            p.api.send(fd, TcpPeer.bytes(7), 0, 7, 0);
            p.expect(PSH | ACK, 301, 2);
            p.send(ACK, 2, 308);
            p.api.close(fd);
            p.expect(FIN | ACK, 308, 2);
            p.send(ACK, 2, 309);
            assertEquals(CLOSED, p.state());
        }
    }

    // ---------------------------------------------------------------- RST

    @Test
    @Checks({"MUST-12"})
    void rstWithAcceptableAckInSynSentRefuses() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            p.send(RST, 0, 0); // no ACK: ignored (RFC 9293 3.10.7.3)
            assertEquals(SYN_SENT, p.state());
            p.send(RST | ACK, 0, 5); // unacceptable ACK: ignored, no RST for an RST
            assertEquals(SYN_SENT, p.state());
            p.expectNothing();
            p.send(RST | ACK, 0, 1);
            assertEquals(CLOSED, p.state());
            p.expectNothing();
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> p.api.connect(fd, new SockAddrIn(OneStack.PEER, TcpPeer.PEER_PORT)));
            assertEquals(Errno.ECONNREFUSED, e.errno());
        }
    }

    @Test
    void unacceptableAckInSynSentDrawsRst() {
        try (TcpPeer p = peer()) {
            p.connect();
            p.expect(SYN, 0, 0);
            p.send(SYN | ACK, 0, 7);
            // RFC 9293 3.10.7.3: <SEQ=SEG.ACK><CTL=RST>.
            TcpPeer.Seg r = p.expect(RST, 7, 0);
            assertEquals(0, r.h().acknowledgmentNumber());
            assertEquals(SYN_SENT, p.state());
            p.send(ACK, 0, 0); // SEG.ACK =< ISS
            p.expect(RST, 0, 0);
        }
    }

    @Test
    @Checks({"MUST-11"})
    void rstInPassiveSynReceivedReturnsToListen() {
        try (TcpPeer p = peer()) {
            int l = p.listen();
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.send(RST, 1, 0);
            p.expectNothing();
            assertEquals(CLOSED, p.state(), "the embryo is gone");
            assertTrue(p.transitions().contains("SYN_RECEIVED>LISTEN:RETURN_TO_LISTEN"));
            // No SYN-ACK retransmissions for the dropped embryo.
            p.expectNothingFor(Duration.ofSeconds(10));
            assertEquals(0, p.net.stack.tcp().listeners().get(0).halfOpenCount());
            // The listener still answers.
            p.iss = -1;
            p.send(SYN, 1000, 0);
            p.expect(SYN | ACK, 0, 1001);
            p.send(ACK, 1001, 1);
            assertEquals(ESTABLISHED, p.state());
            p.accept(l);
        }
    }

    @Test
    void synInPassiveSynReceivedReturnsToListen() {
        try (TcpPeer p = peer()) {
            p.listen();
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.send(SYN, 1, 0); // in window, another SYN (RFC 9293 3.10.7.4, fourth)
            p.expectNothing();
            assertEquals(CLOSED, p.state());
            assertTrue(p.transitions().contains("SYN_RECEIVED>LISTEN:RETURN_TO_LISTEN"));
            p.expectNothingFor(Duration.ofSeconds(5));
        }
    }

    @Test
    void rstInActiveSynReceivedRefuses() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.send(RST, 1, 0);
            assertEquals(CLOSED, p.state());
            assertTrue(p.transitions().contains("SYN_RECEIVED>CLOSED:RCV_RST"));
            assertEquals(Errno.ECONNREFUSED.number(), p.api.getsockopt(fd, SOL_SOCKET, SO_ERROR));
        }
    }

    /** A connection in {@code target} with the stack's socket fd (or -1 once closed by the user). */
    private static int driveTo(TcpPeer p, TcpState target) {
        int fd = p.activeOpen();
        switch (target) {
            case ESTABLISHED -> {
            }
            case FIN_WAIT_1 -> {
                p.api.shutdown(fd, SHUT_WR);
                p.expect(FIN | ACK, 1, 1);
            }
            case FIN_WAIT_2 -> {
                p.api.shutdown(fd, SHUT_WR);
                p.expect(FIN | ACK, 1, 1);
                p.send(ACK, 1, 2);
            }
            case CLOSE_WAIT -> {
                p.send(FIN | ACK, 1, 1);
                p.expect(ACK, 1, 2);
            }
            case CLOSING -> {
                p.api.shutdown(fd, SHUT_WR);
                p.expect(FIN | ACK, 1, 1);
                p.send(FIN | ACK, 1, 1);
                p.expect(ACK, 2, 2);
            }
            case LAST_ACK -> {
                p.send(FIN | ACK, 1, 1);
                p.expect(ACK, 1, 2);
                p.api.shutdown(fd, SHUT_WR);
                p.expect(FIN | ACK, 1, 2);
            }
            case TIME_WAIT -> {
                p.api.shutdown(fd, SHUT_WR);
                p.expect(FIN | ACK, 1, 1);
                p.send(FIN | ACK, 1, 2);
                p.expect(ACK, 2, 2);
            }
            default -> fail("cannot drive to " + target);
        }
        assertEquals(target, p.state());
        p.expectNothing();
        return fd;
    }

    /** RCV.NXT relative to the peer's ISS in the states driveTo builds. */
    private static long rcvNxt(TcpState s) {
        return s == CLOSE_WAIT || s == CLOSING || s == LAST_ACK || s == TIME_WAIT ? 2 : 1;
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT"})
    void rstResetsWithEconnreset(TcpState s) {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, s);
            p.send(RST, rcvNxt(s), 0);
            assertEquals(CLOSED, p.state());
            p.expectNothing();
            assertEquals(Errno.ECONNRESET, recvError(p, fd));
            assertTrue(p.transitions().contains(s + ">CLOSED:RCV_RST"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"CLOSING", "LAST_ACK"})
    void rstClosesClosingAndLastAck(TcpState s) {
        try (TcpPeer p = peer()) {
            driveTo(p, s);
            p.send(RST | ACK, rcvNxt(s), 2);
            assertEquals(CLOSED, p.state());
            p.expectNothing();
        }
    }

    @Test
    void rstInTimeWaitIsIgnored() {
        try (TcpPeer p = peer()) {
            driveTo(p, TIME_WAIT);
            p.send(RST, 2, 0); // RFC 1337
            assertEquals(TIME_WAIT, p.state());
            p.expectNothing();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"ESTABLISHED", "FIN_WAIT_2", "CLOSE_WAIT"})
    void rstInWindowButNotAtRcvNxtDrawsChallengeAck(TcpState s) {
        try (TcpPeer p = peer()) {
            driveTo(p, s);
            long snd = s == ESTABLISHED || s == CLOSE_WAIT ? 1 : 2;
            p.send(RST, rcvNxt(s) + 100, 0);
            p.expect(ACK, snd, rcvNxt(s)); // RFC 5961 3.2 / RFC 9293 3.10.7.4
            assertEquals(s, p.state());
            assertEquals(1, p.counter(Counter.TCP_CHALLENGE_ACKS));
            p.send(RST, rcvNxt(s) + 1_000_000, 0); // outside the window: silently dropped
            p.expectNothing();
            assertEquals(s, p.state());
        }
    }

    @Test
    void synInSynchronizedStateDrawsChallengeAck() {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, ESTABLISHED);
            p.send(SYN, 1, 0);
            p.expect(ACK, 1, 1);
            assertEquals(ESTABLISHED, p.state());
            p.runMillis(500); // the per-connection limit (RobustnessTest covers it)
            p.send(SYN | ACK, 500, 1);
            p.expect(ACK, 1, 1);
            assertEquals(2, p.counter(Counter.TCP_CHALLENGE_ACKS));
            assertEquals(2, p.counter(Counter.TCP_SYN_CHALLENGE));
            assertEquals(Errno.EAGAIN, recvError(p, fd), "no error, no data");
        }
    }

    @Test
    void outOfWindowSegmentIsAnsweredWithAnAck() {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, ESTABLISHED);
            p.send(PSH | ACK, 200_000, 1, TcpPeer.bytes(10)); // beyond the right edge
            p.expect(ACK, 1, 1);
            p.runMillis(600);
            p.send(PSH | ACK, -100, 1, TcpPeer.bytes(10)); // entirely old
            p.expect(ACK, 1, 1);
            assertEquals(2, p.counter(Counter.TCP_OUT_OF_WINDOW));
            assertEquals(Errno.EAGAIN, recvError(p, fd));
            assertEquals(ESTABLISHED, p.state());
        }
    }

    // ---------------------------------------------------------------- aborts

    @Test
    void closeWithLingerZeroSendsRst() {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, ESTABLISHED);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 1);
            p.api.setLinger(fd, true, 0);
            p.api.close(fd);
            // RFC 9293 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>; the linux profile also acknowledges RCV.NXT as Linux does.
            p.expect(RST | ACK, 11, 1);
            assertEquals(CLOSED, p.state());
            p.expectNothingFor(Duration.ofSeconds(5));
            assertTrue(p.transitions().contains("ESTABLISHED>CLOSED:ABORT"));
        }
    }

    @Test
    void closeWithUnreadDataSendsRst() {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, ESTABLISHED);
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(20));
            p.expect(ACK, 1, 21);
            p.api.close(fd); // RFC 2525 2.17
            p.expect(RST | ACK, 1, 21);
            assertEquals(CLOSED, p.state());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK"})
    void lingerZeroAbortsEverySynchronizedState(TcpState s) {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, s);
            p.api.setLinger(fd, true, 0);
            p.api.close(fd);
            long seq = s == ESTABLISHED || s == CLOSE_WAIT ? 1 : 2;
            long ack = s == CLOSE_WAIT || s == CLOSING || s == LAST_ACK ? 2 : 1; // the peer's FIN counts
            p.expect(RST | ACK, seq, ack);
            assertEquals(CLOSED, p.state());
            assertTrue(p.transitions().contains(s + ">CLOSED:ABORT"), p.transitions().toString());
        }
    }

    @Test
    void closeInSynSent() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            p.api.close(fd);
            assertEquals(CLOSED, p.state());
            p.expectNothingFor(Duration.ofSeconds(10));
            assertTrue(p.transitions().contains("SYN_SENT>CLOSED:CLOSE"));
            // The SYN-ACK that comes late meets a closed port.
            p.send(SYN | ACK, 0, 1);
            p.expect(RST, 1, 0);
        }
    }

    @Test
    void abortInSynSent() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            p.api.setLinger(fd, true, 0);
            p.api.close(fd);
            assertEquals(CLOSED, p.state());
            p.expectNothing();
            assertTrue(p.transitions().contains("SYN_SENT>CLOSED:ABORT"));
        }
    }

    @Test
    void closeInSynReceivedSendsFinAfterTheHandshake() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.api.close(fd);
            assertEquals(FIN_WAIT_1, p.state());
            assertTrue(p.transitions().contains("SYN_RECEIVED>FIN_WAIT_1:CLOSE"));
            // RFC 9293 3.10.4: "If no SENDs have been issued ... form a FIN segment and send it".
            p.expect(FIN | ACK, 1, 1);
            p.send(ACK, 1, 2);
            assertEquals(FIN_WAIT_2, p.state());
            p.send(FIN | ACK, 1, 2);
            p.expect(ACK, 2, 2);
            assertEquals(TIME_WAIT, p.state());
        }
    }

    @Test
    void closeInSynReceivedThenTheSynAckIsLostAndRetransmitted() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            // Nothing from the peer: what is retransmitted must be the SYN,ACK, never invented data.
            TcpPeer.Seg r = p.await(Duration.ofSeconds(2));
            assertTrue((r.flags() & SYN) != 0, "retransmits the unacknowledged SYN: " + r);
            assertEquals(0, r.payload().length);
            p.net.wire.discardAll();
        }
    }

    @Test
    void closingTheListenerAbortsHalfOpenConnections() {
        try (TcpPeer p = peer()) {
            int l = p.listen();
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.api.close(l);
            // Like Linux (checked against 6.18): the half-open connection is dropped without a RST.
            p.expectNothing();
            assertEquals(CLOSED, p.state());
            assertTrue(p.transitions().contains("SYN_RECEIVED>CLOSED:ABORT"));
            p.send(ACK, 1, 1); // the handshake's last ACK now meets a closed port
            p.expect(RST, 1, 0);
        }
    }

    @Test
    void synForTimeWaitWithHigherSequenceReopens() {
        try (TcpPeer p = peer()) {
            int l = p.listen();
            int fd = p.passiveOpen(l);
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            p.send(FIN | ACK, 1, 2);
            p.expect(ACK, 2, 2);
            assertEquals(TIME_WAIT, p.state());
            long oldIss = p.iss;
            p.iss = -1;
            p.send(SYN, 100_000, 0);
            TcpPeer.Seg synAck = p.expect(SYN | ACK, 0, 100_001);
            assertTrue(oldIss != p.iss);
            assertEquals(SYN_RECEIVED, p.state());
            assertTrue(p.transitions().contains("TIME_WAIT>CLOSED:ABORT"));
            assertEquals(1, p.counter(Counter.TCP_TIME_WAIT_REUSED));
            assertEquals(1460, synAck.mss());
        }
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    @Checks({"MUST-20", "MUST-22"})
    void synRetriesExhaustedTimesOut() {
        try (TcpPeer p = peer()) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            long start = p.now();
            // Linux: tcp_syn_retries 6, RTO 1 s doubling: retransmissions at 1, 3, 7, 15, 31, 63 s, give up at 127 s.
            for (long at : new long[] {1, 3, 7, 15, 31, 63}) {
                TcpPeer.Seg s = p.await(Duration.ofSeconds(200), SYN, 0, 0);
                assertEquals(at * 1_000_000_000L, s.at() - start, "SYN retransmission time");
                assertEquals(1460, s.mss());
            }
            p.expectNothingFor(Duration.ofSeconds(64).minusNanos(1));
            assertEquals(SYN_SENT, p.state());
            p.run(Duration.ofNanos(1));
            assertEquals(CLOSED, p.state());
            p.expectNothing();
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> p.api.connect(fd, new SockAddrIn(OneStack.PEER, TcpPeer.PEER_PORT)));
            assertEquals(Errno.ETIMEDOUT, e.errno());
            assertTrue(p.transitions().contains("SYN_SENT>CLOSED:TIMEOUT"));
        }
    }

    @Test
    void synAckRetriesExhaustedDropsTheEmbryo() {
        try (TcpPeer p = peer()) {
            p.listen();
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            long start = p.now();
            for (long at : new long[] {1, 3, 7, 15, 31}) { // tcp_synack_retries 5
                TcpPeer.Seg s = p.await(Duration.ofSeconds(100), SYN | ACK, 0, 1);
                assertEquals(at * 1_000_000_000L, s.at() - start);
            }
            runUntilClosed(p, Duration.ofSeconds(33));
            assertEquals(63_000_000_000L, p.now() - start);
            assertTrue(p.transitions().contains("SYN_RECEIVED>CLOSED:TIMEOUT"));
            assertEquals(0, p.net.stack.tcp().listeners().get(0).halfOpenCount());
        }
    }

    @Test
    @Checks({"MUST-20"})
    void dataRetriesExhaustedTimesOut() {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, ESTABLISHED);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 1);
            int retransmissions = 0;
            while (p.net.sim.runUntil(() -> p.net.wire.pending() > 0 || p.state() == CLOSED, HOUR)
                    && p.state() != CLOSED) {
                TcpPeer.Seg s = p.expect(PSH | ACK, 1, 1);
                assertEquals(10, s.payload().length);
                retransmissions++;
            }
            assertEquals(15, retransmissions, "tcp_retries2");
            assertEquals(CLOSED, p.state());
            p.expectNothing(); // Linux sends no RST when retransmissions run out
            assertEquals(Errno.ETIMEDOUT, recvError(p, fd));
            assertTrue(p.transitions().contains("ESTABLISHED>CLOSED:TIMEOUT"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = {"FIN_WAIT_1", "CLOSING", "LAST_ACK"})
    void finRetriesExhaustedTimesOut(TcpState s) {
        try (TcpPeer p = peer()) {
            driveTo(p, s);
            runUntilClosed(p, HOUR);
            assertTrue(p.transitions().contains(s + ">CLOSED:TIMEOUT"), p.transitions().toString());
        }
    }

    @Test
    @Checks({"MUST-20"})
    void closeWaitDataRetriesExhaustedTimesOut() {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, CLOSE_WAIT);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 2);
            runUntilClosed(p, HOUR);
            assertEquals(Errno.ETIMEDOUT, recvError(p, fd));
            assertTrue(p.transitions().contains("CLOSE_WAIT>CLOSED:TIMEOUT"));
        }
    }

    @Test
    void orphanedFinWait2TimesOut() {
        try (TcpPeer p = peer()) {
            int fd = driveTo(p, ESTABLISHED);
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1);
            p.send(ACK, 1, 2);
            assertEquals(FIN_WAIT_2, p.state());
            p.expectNothingFor(Duration.ofSeconds(60).minusNanos(1)); // tcp_fin_timeout
            assertEquals(FIN_WAIT_2, p.state());
            p.run(Duration.ofNanos(1));
            assertEquals(CLOSED, p.state());
            p.expectNothing();
            assertTrue(p.transitions().contains("FIN_WAIT_2>CLOSED:TIMEOUT"));
        }
    }
}
