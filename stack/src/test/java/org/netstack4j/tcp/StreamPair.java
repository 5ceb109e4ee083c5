package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.socket.SocketConstants.SOL_SOCKET;
import static org.netstack4j.socket.SocketConstants.SO_RCVBUF;

import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.testing.TwoStacks;

/**
 * One connection between the two stacks of a {@link TwoStacks}: A connects to a listener on B port 80. Blocking
 * calls move virtual time. {@link #close} closes the three descriptors.
 */
final class StreamPair implements AutoCloseable {
    final TwoStacks net;
    /** A's connected descriptor. */
    final int a;
    /** B's accepted descriptor. */
    final int b;
    private final int listener;

    /** Connects with default buffers. */
    StreamPair(TwoStacks net) {
        this(net, 0);
    }

    /** Connects; a positive {@code rcvBufRequest} is set as SO_RCVBUF on both sides before the handshake. */
    StreamPair(TwoStacks net, int rcvBufRequest) {
        this.net = net;
        listener = net.socketsB.socket(AF_INET, SOCK_STREAM, 0);
        a = net.socketsA.socket(AF_INET, SOCK_STREAM, 0);
        if (rcvBufRequest > 0) {
            net.socketsB.setsockopt(listener, SOL_SOCKET, SO_RCVBUF, rcvBufRequest);
            net.socketsA.setsockopt(a, SOL_SOCKET, SO_RCVBUF, rcvBufRequest);
        }
        net.socketsB.bind(listener, SockAddrIn.of("0.0.0.0", 80));
        net.socketsB.listen(listener, 1);
        net.socketsA.connect(a, new SockAddrIn(TwoStacks.B, 80));
        b = net.socketsB.accept(listener).fd();
    }

    /** Reads exactly {@code n} bytes from B's end ({@code onA} false) or A's. */
    byte[] readFully(boolean onA, int n) {
        BsdSockets api = onA ? net.socketsA : net.socketsB;
        byte[] got = new byte[n];
        int at = 0;
        while (at < n) {
            int r = api.read(onA ? a : b, got, at, n - at);
            assertTrue(r > 0, "end of stream after " + at + " of " + n + " bytes");
            at += r;
        }
        return got;
    }

    @Override
    public void close() {
        net.socketsA.close(a);
        net.socketsB.close(b);
        net.socketsB.close(listener);
    }
}
