package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.testing.Checks;

/**
 * Delayed ACKs of the receiver in virtual time (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2): Linux's interactive
 * ("pingpong") mode in the linux profile, where ACKs wait to ride on the application's reply or FIN, and the
 * rfc profile, which acknowledges a FIN at once.
 */
class TcpDelayedAckTest {
    private static final long MS = 1_000_000L;

    private static TcpPeer linux() {
        return new TcpPeer(new TransitionCoverage());
    }

    /** Peer sends 100 bytes (quick-ACKed), the application reads them and replies at once: now interactive. */
    private static int interactive(TcpPeer p) {
        int fd = p.activeOpen();
        p.send(PSH | ACK, 1, 1, TcpPeer.bytes(100));
        p.expect(ACK, 1, 101); // quick-ACK mode at the start
        assertEquals(100, read(p, fd));
        p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
        p.expect(PSH | ACK, 1, 101);
        p.runMillis(100);
        return fd;
    }

    /** Peer sends 1000 bytes (quick-ACKed, read), then 100 ms later its FIN; returns the fd. */
    private static int dataThenFin(TcpPeer p) {
        int fd = p.activeOpen();
        p.send(PSH | ACK, 1, 1, TcpPeer.bytes(1000));
        p.expect(ACK, 1, 1001);
        assertEquals(1000, read(p, fd));
        p.runMillis(100);
        p.send(FIN | ACK, 1001, 1);
        return fd;
    }

    private static int read(TcpPeer p, int fd) {
        return p.api.recv(fd, new byte[8192], 0, 8192, MSG_DONTWAIT);
    }

    @Test
    @Checks({"MUST-40", "SHLD-18"})
    void interactiveConnectionDelaysTheAckDespiteQuickAcksLeft() {
        try (TcpPeer p = linux()) {
            interactive(p);
            p.send(PSH | ACK, 101, 101, TcpPeer.bytes(100));
            long t = p.now();
            p.expectNothingFor(Duration.ofMillis(40).minusNanos(1));
            assertEquals(t + 40 * MS, p.await(Duration.ofMillis(1), ACK, 101, 201).at(), "delayed ACK after 40 ms");
            // The timer had to send it: interactive mode ends and quick ACKs (15 left) resume.
            p.runMillis(200);
            p.send(PSH | ACK, 201, 101, TcpPeer.bytes(100));
            p.expect(ACK, 101, 301);
        }
    }

    @Test
    @Checks({"SHLD-18"})
    void theReplyCarriesTheDelayedAck() {
        try (TcpPeer p = linux()) {
            int fd = interactive(p);
            p.send(PSH | ACK, 101, 101, TcpPeer.bytes(100));
            p.runMillis(10);
            assertEquals(100, read(p, fd));
            p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
            p.expect(PSH | ACK, 101, 201);
            p.expectNothingFor(Duration.ofMillis(100)); // no pure ACK: the reply cancelled the timer
        }
    }

    @Test
    @Checks({"SHLD-19"})
    void moreThanOneMssUnacknowledgedIsAckedAtOnce() {
        try (TcpPeer p = linux()) {
            interactive(p);
            p.send(ACK, 101, 101, TcpPeer.bytes(1460));
            p.expectNothing();
            p.send(ACK, 1561, 101, TcpPeer.bytes(1460));
            p.expect(ACK, 101, 3021);
        }
    }

    @Test
    @Checks({"SHLD-18"})
    void ackOfFinRidesOnOurFin() {
        try (TcpPeer p = linux()) {
            int fd = dataThenFin(p);
            p.expectNothingFor(Duration.ofMillis(10));
            assertEquals(0, read(p, fd));
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1002);
            p.expectNothingFor(Duration.ofMillis(100));
        }
    }

    @Test
    @Checks({"MUST-40"})
    void ackOfFinFollowsAfterTheDelayWithoutClose() {
        try (TcpPeer p = linux()) {
            dataThenFin(p);
            long t = p.now();
            p.expectNothingFor(Duration.ofMillis(40).minusNanos(1));
            assertEquals(t + 40 * MS, p.await(Duration.ofMillis(1), ACK, 1, 1002).at());
        }
    }

    @Test
    void finBeforeAnyDataIsAckedAtOnce() {
        try (TcpPeer p = linux()) {
            p.activeOpen();
            p.send(FIN | ACK, 1, 1);
            p.expect(ACK, 1, 2); // Linux's ACK timeout is still 0 before data: the next tick
        }
    }

    @Test
    void rfcProfileAcksAFinAtOnce() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage(), TcpProfile.RFC)) {
            int fd = p.activeOpen();
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(1000));
            p.await(Duration.ofMillis(250), ACK, 1, 1001); // RFC 1122 4.2.3.2: delayed, < 0.5 s
            assertEquals(1000, read(p, fd));
            p.send(FIN | ACK, 1001, 1);
            p.expect(ACK, 1, 1002);
        }
    }
}
