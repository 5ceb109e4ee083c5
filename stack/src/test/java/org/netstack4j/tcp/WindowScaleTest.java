package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.testing.TwoStacks;
import org.netstack4j.wire.TcpOption;

/**
 * RFC 7323 window scaling with every shift 0..14: windows the peer sends are multiplied by 2^shift (and limit what
 * we send accordingly), the windows we send are divided by our 2^shift, and data flows between two stacks.
 */
class WindowScaleTest {

    @ParameterizedTest(name = "peer shift {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})
    void thePeersWindowIsScaledAndLimitsWhatWeSend(int shift) {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int l = p.listen();
            p.send(SYN, 0, 0, 65_535, List.of(new TcpOption.Mss(1460), new TcpOption.WindowScale(shift)),
                    new byte[0]);
            p.expect(SYN | ACK, 0, 1);
            // A field that means at least three segments' worth: 4380 bytes rounded up to the scale.
            int field = Math.max(1, (4380 + (1 << shift) - 1) >> shift);
            int window = field << shift;
            p.send(ACK, 1, 1, field);
            int fd = p.accept(l);
            assertEquals(window, p.api.tcpInfo(fd).sndWnd(), "field " + field + " << " + shift);
            p.api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
            p.api.write(fd, TcpPeer.bytes(20_000), 0, 20_000);
            int sent = 0;
            p.run(java.time.Duration.ZERO);
            while (p.net.wire.pending() > 0) {
                sent += p.expect().payload().length;
            }
            // Full segments only (sender SWS avoidance), within the window and the initial congestion window.
            int expected = Math.min(window, 10 * 1460) / 1460 * 1460;
            assertEquals(expected, sent, "bytes sent into a window of " + window);
            // The peer's window update opens more, in scaled units too.
            p.send(ACK, 1, 1 + sent, field * 2);
            assertEquals(2 * window, p.api.tcpInfo(fd).sndWnd());
        }
    }

    @ParameterizedTest(name = "our shift {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})
    void ourWindowIsSentShifted(int shift) {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            p.net.stack.tcp().setMaxReceiveBuffer(65_535 << shift);
            int l = smallBufferListener(p);
            p.send(SYN, 0, 0, 65_535, List.of(new TcpOption.Mss(1460), new TcpOption.WindowScale(0)), new byte[0]);
            TcpPeer.Seg synAck = p.expect(SYN | ACK, 0, 1);
            assertEquals(shift, TcpPeer.wscale(synAck));
            assertEquals(60_000, synAck.window(), "the SYN-ACK's window is not scaled");
            p.send(ACK, 1, 1);
            int fd = p.accept(l);
            p.send(ACK | PSH, 1, 1, TcpPeer.bytes(1000));
            TcpPeer.Seg ack = p.expect(ACK, 1, 1001);
            int rcvWnd = p.api.tcpInfo(fd).rcvWnd();
            int buffer = p.conn().receiver().queue().limit();
            assertEquals(Math.min(buffer, 65_535 << shift) - 1000, rcvWnd, "the buffer less what arrived");
            assertEquals(Math.min(65_535, rcvWnd >> shift), ack.window(), "RCV.WND >> " + shift);
            assertTrue((long) ack.window() << shift <= rcvWnd, "never more than we hold room for");
            assertEquals(shift, p.api.tcpInfo(fd).rcvWscale());
        }
    }

    @ParameterizedTest(name = "both shifts {0}")
    @ValueSource(ints = {0, 1, 2, 7, 10, 14})
    void dataFlowsBetweenTwoStacksWithEveryShift(int shift) {
        try (TwoStacks net = TwoStacks.create(null)) {
            net.a.tcp().setMaxReceiveBuffer(65_535 << shift);
            net.b.tcp().setMaxReceiveBuffer(65_535 << shift);
            try (StreamPair pair = new StreamPair(net, SMALL_RCVBUF)) {
                assertEquals(shift, net.socketsA.tcpInfo(pair.a).sndWscale());
                assertEquals(shift, net.socketsB.tcpInfo(pair.b).rcvWscale());
                byte[] msg = TcpPeer.bytes(150_000);
                net.socketsA.write(pair.a, msg, 0, msg.length);
                byte[] back = TcpPeer.bytes(150_000);
                net.socketsB.write(pair.b, back, 0, back.length);
                assertArrayEquals(msg, pair.readFully(false, msg.length));
                assertArrayEquals(back, pair.readFully(true, back.length));
            }
        }
    }

    /** SO_RCVBUF request: Linux doubles it to 60000 bytes, below 65535, so that shifts 0 and 1 are chosen too. */
    private static final int SMALL_RCVBUF = 30_000;

    private static int smallBufferListener(TcpPeer p) {
        int l = p.api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        p.api.setsockopt(l, SOL_SOCKET, SO_RCVBUF, SMALL_RCVBUF);
        p.api.bind(l, new SockAddrIn(org.netstack4j.testing.OneStack.US, p.port));
        p.api.listen(l, 8);
        return l;
    }
}
