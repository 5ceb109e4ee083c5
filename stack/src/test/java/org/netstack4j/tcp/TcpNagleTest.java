package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.PSH;

import org.junit.jupiter.api.Test;
import org.netstack4j.testing.Checks;

/**
 * The Nagle variants of the two profiles (RFC 9293 3.7.4): RFC 896 holds a partial segment while anything is
 * unacknowledged; Linux (Minshall's variant) only while a previously sent small segment is.
 */
class TcpNagleTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();

    /** 100 bytes, then 3000 (two full segments out, an 80-byte tail held); returns the fd. */
    private static int smallThenLarge(TcpPeer p) {
        int fd = p.activeOpen();
        p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
        p.expect(PSH | ACK, 1, 1);
        p.api.send(fd, TcpPeer.bytes(3000), 0, 3000, 0);
        int sent = 0;
        while (sent < 2920) {
            sent += p.expect(ACK, 101 + sent, 1).payload().length;
        }
        assertEquals(2920, sent, "the full segments, not the tail");
        p.expectNothing();
        return fd;
    }

    @Test
    @Checks({"SHLD-7"})
    void linuxSendsTheTailOnceTheSmallSegmentIsAcked() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            smallThenLarge(p);
            p.send(ACK, 1, 101); // the small segment is acknowledged, the full ones are still in flight
            assertEquals(80, p.expect(PSH | ACK, 3021, 1).payload().length);
        }
    }

    @Test
    @Checks({"SHLD-7"})
    void rfcHoldsTheTailWhileAnythingIsUnacked() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            smallThenLarge(p);
            p.send(ACK, 1, 101);
            p.expectNothing();
            p.send(ACK, 1, 3021);
            assertEquals(80, p.expect(PSH | ACK, 3021, 1).payload().length);
        }
    }
}
