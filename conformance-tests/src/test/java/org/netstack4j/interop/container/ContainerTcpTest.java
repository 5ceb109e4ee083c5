package org.netstack4j.interop.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.interop.TcpInterop.SOON;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.interop.Sh;
import org.netstack4j.interop.TcpInterop;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.TcpState;

/**
 * TCP between the stack and a container's Linux kernel across the container network's bridge, with busybox
 * tools as the container's applications, in both directions: the container uses the stack's echo and HTTP
 * services (nc, wget), the stack's clients use servers in the container (nc -l, httpd), and connection
 * attempts to closed ports are refused both ways.
 */
@ContainerPeer
class ContainerTcpTest {

    private static final Duration TRANSFER = Duration.ofMinutes(2);

    @Test
    void containerGetsOneMegabyteBackFromTheEchoService(BusyboxPeer peer) {
        byte[] payload = TcpInterop.randomBytes(1 << 20, 17);
        peer.copyIn(payload, "/tmp/in.bin");
        // nc sends the file, half-closes at its end and prints what comes back until the stack's FIN.
        Sh.Result r = peer.sh(TRANSFER, "nc -w 10 " + peer.stackIp() + " 7 </tmp/in.bin | sha256sum");
        assertEquals(0, r.exitCode(), r.describe() + peer.context());
        assertEquals(TcpInterop.sha256(payload) + "  -", r.stdout().trim(), "echo returned other bytes" + peer.context());
        TcpInterop.await(peer, "the stack's echo connection closed", SOON,
                () -> TcpInterop.stackConnectionsOnLocalPort(peer, 7).isEmpty(), peer::context);
        assertEquals(1, peer.counter(Counter.TCP_PASSIVE_OPENS), peer.context());
        assertEquals(0, peer.counter(Counter.TCP_OUT_RSTS), peer.context());
    }

    @ParameterizedTest(name = "/bytes/{0}")
    @ValueSource(ints = {0, 1, 1460, 300_000})
    void containerWgetsExactlyTheBytesOfTheHttpService(int n, BusyboxPeer peer) {
        Sh.Result r = peer.wget(80, "/bytes/" + n, TRANSFER);
        assertEquals(0, r.exitCode(), r.describe() + peer.context());
        assertEquals(n, r.stdoutBytes().length, "wrong body length" + peer.context());
        assertEquals(TcpInterop.httpPatternSha256(n), TcpInterop.sha256(r.stdoutBytes()),
                "the body is not the /bytes pattern" + peer.context());
        assertEquals(1, peer.counter(Counter.TCP_PASSIVE_OPENS), peer.context());
    }

    @Test
    void stackClientSendsToAContainerListener(BusyboxPeer peer) throws IOException {
        int port = 5000;
        byte[] payload = TcpInterop.randomBytes(200_000, 5000);
        try (Sh.Background nc = peer.ncListen(port)) {
            try (StackSocket s = StackSocket.connect(peer.sockets(), new SockAddrIn(peer.containerIp(), port))) {
                TcpInterop.writeAll(peer, s.fd(), payload, TRANSFER);
                // After the data our FIN: nc reads end of stream, exits and so closes its side.
                s.shutdownOutput();
                byte[] got = nc.readStdout(payload.length, TRANSFER, peer::context);
                assertArrayEquals(payload, got, TcpInterop.difference(payload, got) + peer.context());
                assertEquals(0, TcpInterop.readToEnd(peer, s.fd(), SOON).length, peer.context());
                assertEquals(0, nc.awaitExit(SOON), nc.stderrIfExited() + peer.context());
            }
            // The stack sent the first FIN: it waits in TIME-WAIT, the container keeps nothing.
            TcpInterop.await(peer, "the stack's connection in TIME-WAIT", SOON,
                    () -> TcpInterop.stackConnectionsToRemotePort(peer, port).stream()
                            .anyMatch(c -> c.state() == TcpState.TIME_WAIT), peer::context);
            TcpInterop.await(peer, "no container socket left on port " + port, SOON,
                    () -> peer.containerSockets().stream().noneMatch(l -> l.contains(":" + port + " ")), peer::context);
            assertEquals(1, peer.counter(Counter.TCP_ACTIVE_OPENS), peer.context());
        }
    }

    @Test
    void stackClientFetchesAFileFromContainerHttpd(BusyboxPeer peer) throws IOException {
        int port = 8080;
        byte[] file = TcpInterop.randomBytes(150_000, 8080);
        peer.copyIn(file, "/www/blob.bin");
        try (Sh.Background httpd = peer.httpd(port, "/www");
             StackSocket s = StackSocket.connect(peer.sockets(), new SockAddrIn(peer.containerIp(), port))) {
            s.getOutputStream().write("GET /blob.bin HTTP/1.0\r\nHost: peer\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] response = TcpInterop.readToEnd(peer, s.fd(), TRANSFER);
            int headerEnd = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(headerEnd > 0, "no header end in " + response.length + " bytes" + peer.context());
            String head = new String(response, 0, headerEnd, StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.") && head.contains(" 200 "), head + peer.context());
            assertTrue(head.contains("Content-Length: " + file.length), head + peer.context());
            byte[] body = Arrays.copyOfRange(response, headerEnd + 4, response.length);
            assertEquals("", TcpInterop.difference(file, body), peer.context());
        }
    }

    @Test
    void containerIsRefusedAtAClosedStackPort(BusyboxPeer peer) {
        Sh.Result r = peer.nc(4444, new byte[0], SOON);
        assertNotEquals(0, r.exitCode(), r.describe() + peer.context());
        assertTrue(r.stderr().contains("Connection refused"), r.describe() + peer.context());
        assertTrue(peer.counter(Counter.TCP_OUT_RSTS) >= 1, peer.context());
        assertEquals(List.of(), TcpInterop.stackConnections(peer), peer.context());
    }

    @Test
    void stackIsRefusedAtAClosedContainerPort(BusyboxPeer peer) {
        BsdSockets sockets = peer.sockets();
        int fd = sockets.socket(AF_INET, SOCK_STREAM, 0);
        try {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> sockets.connect(fd, new SockAddrIn(peer.containerIp(), 4445)), peer::context);
            assertEquals(Errno.ECONNREFUSED, e.errno(), peer.context());
            assertEquals(1, peer.counter(Counter.TCP_ATTEMPT_FAILS), peer.context());
            assertEquals(List.of(), TcpInterop.stackConnections(peer), peer.context());
        } finally {
            sockets.close(fd);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
