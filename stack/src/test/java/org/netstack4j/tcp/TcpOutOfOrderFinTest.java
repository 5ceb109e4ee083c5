package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A FIN that arrives ahead of data still missing (its segment, or the one before it, was lost or reordered) is
 * kept, as Linux keeps it on its out-of-order segment: when the missing data arrives, one ACK covers the data
 * and the FIN, at once, and the connection moves to CLOSE-WAIT without the peer sending its FIN again. Before,
 * the FIN bit was dropped and the peer had to retransmit it after a timeout.
 */
class TcpOutOfOrderFinTest {

    private static int read(TcpPeer p, int fd, int max) {
        return p.api.recv(fd, new byte[max], 0, max, MSG_DONTWAIT);
    }

    @Test
    void aFinOnDataAheadOfAHoleCountsOnceTheHoleIsFilled() {
        for (TcpProfile profile : new TcpProfile[] {TcpProfile.LINUX, TcpProfile.RFC}) {
            try (TcpPeer p = new TcpPeer(new TransitionCoverage(), profile)) {
                int fd = p.activeOpen();
                p.send(FIN | PSH | ACK, 1001, 1, TcpPeer.bytes(1000)); // [1, 1001) is still missing
                p.expect(ACK, 1, 1); // the duplicate ACK out-of-order data always gets
                assertEquals(TcpState.ESTABLISHED, p.state(), profile.name());
                p.send(ACK, 1, 1, TcpPeer.bytes(1000));
                p.expect(ACK, 1, 2002); // data and FIN in one ACK, at once
                p.expectNothing();
                assertEquals(TcpState.CLOSE_WAIT, p.state(), profile.name());
                assertEquals(2000, read(p, fd, 4096));
                assertEquals(0, read(p, fd, 4096), "end of stream after the data");
            }
        }
    }

    @Test
    void aBareFinAheadOfAHoleIsAnsweredAndKept() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int fd = p.activeOpen();
            p.send(FIN | ACK, 1001, 1);
            p.expect(ACK, 1, 1);
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(1000));
            p.expect(ACK, 1, 1002);
            assertEquals(TcpState.CLOSE_WAIT, p.state());
            assertEquals(1000, read(p, fd, 4096));
            assertEquals(0, read(p, fd, 4096));
            p.api.close(fd);
            p.expect(FIN | ACK, 1, 1002);
        }
    }

    @Test
    void aFinWaitsForEveryHoleBeforeIt() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int fd = p.activeOpen();
            p.send(FIN | PSH | ACK, 2001, 1, TcpPeer.bytes(500));
            p.expect(ACK, 1, 1);
            p.send(PSH | ACK, 1001, 1, TcpPeer.bytes(1000)); // [1, 1001) still missing
            p.expect(ACK, 1, 1);
            assertEquals(TcpState.ESTABLISHED, p.state());
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(1000));
            p.expect(ACK, 1, 2502);
            assertEquals(TcpState.CLOSE_WAIT, p.state());
            assertEquals(2500, read(p, fd, 4096));
            p.expectNothingFor(Duration.ofSeconds(1));
        }
    }
}
