package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.netstack4j.socket.SocketConstants.*;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.PSH;

import org.junit.jupiter.api.Test;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;

/** getsockopt(TCP_INFO): the snapshot follows what happened on the wire, in Linux's units. */
class TcpInfoTest {

    @Test
    void snapshotFollowsTheConnection() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int fd = p.passiveOpen(p.listen());
            TcpInfo info = p.api.tcpInfo(fd);
            assertEquals(TcpState.ESTABLISHED, info.state());
            assertEquals(1, info.linuxState(), "TCP_ESTABLISHED");
            assertEquals(TcpInfo.CA_OPEN, info.caState());
            assertEquals(0, info.options(), "the peer offered only an MSS option");
            assertEquals(1460, info.sndMss());
            assertEquals(1460, info.rcvMss());
            assertEquals(1460, info.advmss());
            assertEquals(1500, info.pmtu());
            assertEquals(TcpInfo.INFINITE_SSTHRESH, info.sndSsthresh());
            assertEquals(10, info.sndCwnd(), "initial window in segments");
            assertEquals(65_535, info.sndWnd());
            // The SYN-ACK is timed (RFC 6298 2.2): the instant virtual-time handshake gave a sample of 0.
            assertEquals(200_000, info.rto(), "SRTT 0 + 4 RTTVAR 0, raised to the 200 ms minimum, in µs");
            assertEquals(0, info.rtt(), "the handshake's sample");
            assertEquals(2, info.segsIn(), "SYN and ACK");
            assertEquals(1, info.segsOut(), "SYN-ACK");

            p.api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1); // no Nagle: all three segments go at once
            p.api.write(fd, TcpPeer.bytes(3000), 0, 3000);
            p.expect(ACK, 1, 1);
            p.expect(ACK, 1461, 1);
            p.expect(ACK | PSH, 2921, 1);
            info = p.api.tcpInfo(fd);
            assertEquals(3, info.unacked(), "three segments in flight");
            assertEquals(0, info.bytesAcked());

            p.runMillis(50);
            p.send(ACK, 1, 3001);
            info = p.api.tcpInfo(fd);
            assertEquals(0, info.unacked());
            assertEquals(3000, info.bytesAcked());
            assertEquals(3, info.delivered());
            // Second sample (RFC 6298 2.3) after the handshake's 0: SRTT = 7/8 0 + 1/8 50 ms, RTTVAR = 3/4 0 + 1/4 50 ms.
            assertEquals(50_000 / 8, info.rtt(), "SRTT in µs");
            assertEquals(50_000 / 4, info.rttvar(), "RTTVAR in µs");
            // Linux profile: RTO = SRTT + max(4 RTTVAR, 200 ms) = 6.25 ms + 200 ms (Linux's tcp_set_rto).
            assertEquals(206_250, info.rto(), "SRTT + max(4 RTTVAR = 50 ms, the 200 ms minimum)");
            assertEquals(50, info.lastDataSent(), "ms since the data went out");
            assertEquals(0, info.lastAckRecv());

            p.runMillis(10);
            p.send(ACK | PSH, 1, 3001, TcpPeer.bytes(500));
            p.expect(ACK, 3001, 501); // quick ACK
            p.runMillis(7);
            info = p.api.tcpInfo(fd);
            assertEquals(500, info.bytesReceived());
            assertEquals(7, info.lastDataRecv());
            assertEquals(4, info.segsIn());
            assertEquals(5, info.segsOut());
            assertEquals(0, info.totalRetrans());
        }
    }

    @Test
    void retransmissionTimeoutShowsAsLossState() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int fd = p.passiveOpen(p.listen());
            p.api.write(fd, TcpPeer.bytes(100), 0, 100);
            p.expect(ACK | PSH, 1, 1);
            p.await(java.time.Duration.ofSeconds(2), ACK | PSH, 1, 1);
            TcpInfo info = p.api.tcpInfo(fd);
            assertEquals(TcpInfo.CA_LOSS, info.caState());
            assertEquals(1, info.retransmits());
            assertEquals(1, info.backoff());
            assertEquals(1, info.totalRetrans());
            assertEquals(400_000, info.rto(), "200 ms (handshake sample, minimum RTO) doubled");
        }
    }

    @Test
    void socketsWithoutAConnectionReportOnlyTheirState() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int s = p.api.socket(AF_INET, SOCK_STREAM, 0);
            assertEquals(TcpState.CLOSED, p.api.tcpInfo(s).state());
            assertEquals(7, p.api.tcpInfo(s).linuxState());
            int l = p.listen();
            assertEquals(TcpState.LISTEN, p.api.tcpInfo(l).state());
            assertEquals(10, p.api.tcpInfo(l).linuxState());
            ErrnoException notInt = assertThrows(ErrnoException.class,
                    () -> p.api.getsockopt(l, IPPROTO_TCP, TCP_INFO));
            assertEquals(Errno.EINVAL, notInt.errno(), "TCP_INFO is a struct, not an int");
            int u = p.api.socket(AF_INET, SOCK_DGRAM, 0);
            ErrnoException udp = assertThrows(ErrnoException.class, () -> p.api.tcpInfo(u));
            assertEquals(Errno.ENOPROTOOPT, udp.errno());
            p.api.close(s);
            p.api.close(u);
        }
    }
}
