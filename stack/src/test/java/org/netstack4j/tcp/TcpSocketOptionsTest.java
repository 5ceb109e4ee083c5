package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.socket.SocketConstants.*;

import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.testing.Checks;
import org.netstack4j.testing.TwoStacks;

/** Stream-socket options whose effect shows on the wire or in blocking: TCP_MAXSEG and SO_LINGER with a time. */
class TcpSocketOptionsTest {

    @Test
    @Checks({"MUST-14", "MUST-16"})
    void maxSegmentCapsTheAnnouncedAndTheSentMss() {
        try (TwoStacks net = TwoStacks.create(null)) {
            int l = net.socketsB.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsB.bind(l, SockAddrIn.of("0.0.0.0", 80));
            net.socketsB.listen(l, 1);
            int c = net.socketsA.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsA.setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, 1000);
            net.socketsA.connect(c, new SockAddrIn(TwoStacks.B, 80));
            int s = net.socketsB.accept(l).fd();
            // Both stacks negotiate timestamps, whose 12 bytes come off every segment (RFC 6691); like Linux,
            // TCP_MAXSEG then reports the payload size: 1000 - 12.
            assertEquals(988, net.socketsA.getsockopt(c, IPPROTO_TCP, TCP_MAXSEG));
            assertEquals(988, net.socketsB.getsockopt(s, IPPROTO_TCP, TCP_MAXSEG), "the peer honours our MSS");
            assertEquals(1000, net.socketsB.tcpInfo(s).sndMss() + 12, "announced MSS 1000 less the timestamps");
            assertEquals(1000, net.socketsA.tcpInfo(c).advmss(), "we announced 1000");
            net.socketsA.close(c);
            net.socketsB.close(s);
            net.socketsB.close(l);
        }
    }

    @Test
    void lingerWithATimeoutWaitsForTheAckOfOurFin() {
        try (TwoStacks net = TwoStacks.create(null)) {
            int l = net.socketsB.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsB.bind(l, SockAddrIn.of("0.0.0.0", 80));
            net.socketsB.listen(l, 1);
            int c = net.socketsA.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsA.connect(c, new SockAddrIn(TwoStacks.B, 80));
            int s = net.socketsB.accept(l).fd();
            net.socketsA.setLinger(c, true, 5);
            net.socketsA.write(c, new byte[100_000], 0, 100_000);
            net.socketsA.close(c); // blocks in virtual time until the FIN is acknowledged
            TcpConnection conn = net.a.tcp().connections().getFirst();
            assertEquals(TcpState.FIN_WAIT_2, conn.state(), conn.describe());
            assertEquals(0, conn.sendQueued(), "all data acknowledged before close returned");
            net.socketsB.close(s);
            net.socketsB.close(l);
        }
    }
}
