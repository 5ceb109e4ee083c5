package org.netstack4j.interop.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.interop.TcpInterop.SOON;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.tcp.TcpState.CLOSE_WAIT;
import static org.netstack4j.tcp.TcpState.CLOSING;
import static org.netstack4j.tcp.TcpState.ESTABLISHED;
import static org.netstack4j.tcp.TcpState.FIN_WAIT_1;
import static org.netstack4j.tcp.TcpState.FIN_WAIT_2;
import static org.netstack4j.tcp.TcpState.LAST_ACK;
import static org.netstack4j.tcp.TcpState.TIME_WAIT;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.interop.Sh;
import org.netstack4j.interop.TcpInterop;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.tcp.TcpState;

/**
 * Every close order (RFC 9293 section 3.6) between the stack and a container's kernel, with busybox nc as the
 * container's application: the container closes first (the stack passes CLOSE-WAIT and LAST-ACK, the
 * container waits in TIME-WAIT), the stack closes first (FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT on the stack), and
 * both at once (each FIN crosses the other: CLOSING on both sides, then TIME-WAIT on both). Busybox nc
 * half-closes its socket when its stdin ends and exits when the socket reads end of stream.
 */
@ContainerPeer
class ContainerTcpCloseTest {

    private static final int PORT = 6000;

    @Test
    void containerClosesFirst(BusyboxPeer peer) {
        BsdSockets sockets = peer.sockets();
        int listener = TcpInterop.listen(peer, PORT);
        try (TcpInterop.Trace trace = new TcpInterop.Trace(peer);
             Sh.Background nc = peer.ncClient(PORT)) {
            int fd = TcpInterop.accept(peer, listener, SOON);
            nc.write(ascii("hello\n"));
            nc.closeStdin(); // nc half-closes: its FIN follows the data
            assertArrayEquals(ascii("hello\n"), TcpInterop.readToEnd(peer, fd, SOON), peer.context());
            assertEquals(List.of(CLOSE_WAIT), states(peer), peer.context());
            TcpInterop.await(peer, "the container in FIN_WAIT2", SOON,
                    () -> peer.containerSockets("FIN_WAIT2", PORT).size() == 1, peer::context);
            // Half-closed by the container, the stack still sends; then it closes too.
            TcpInterop.writeAll(peer, fd, ascii("bye\n"), SOON);
            sockets.close(fd);
            assertArrayEquals(ascii("bye\n"), nc.readStdout(4, SOON, peer::context), peer.context());
            assertEquals(0, nc.awaitExit(SOON), nc.stderrIfExited() + peer.context());
            TcpInterop.await(peer, "the stack's connection gone (LAST-ACK answered)", SOON,
                    () -> TcpInterop.stackConnectionsOnLocalPort(peer, PORT).isEmpty(), peer::context);
            assertEquals(1, peer.containerSockets("TIME_WAIT", PORT).size(), peer.context());
            assertInOrder(List.of(ESTABLISHED, CLOSE_WAIT, LAST_ACK), trace.statesOfLocalPort(PORT), trace);
        } finally {
            sockets.close(listener);
        }
    }

    @Test
    void stackClosesFirst(BusyboxPeer peer) {
        BsdSockets sockets = peer.sockets();
        try (TcpInterop.Trace trace = new TcpInterop.Trace(peer);
             Sh.Background nc = peer.ncListen(PORT)) {
            int fd = sockets.socket(AF_INET, SOCK_STREAM, 0);
            sockets.connect(fd, new SockAddrIn(peer.containerIp(), PORT));
            nc.write(ascii("from the container\n"));
            assertArrayEquals(ascii("from the container\n"), TcpInterop.read(peer, fd, 19, SOON), peer.context());
            TcpInterop.writeAll(peer, fd, ascii("from the stack\n"), SOON);
            sockets.close(fd); // the stack's FIN first; nc prints the data, reads end of stream, exits: its FIN
            assertArrayEquals(ascii("from the stack\n"), nc.readStdout(15, SOON, peer::context), peer.context());
            assertEquals(0, nc.awaitExit(SOON), nc.stderrIfExited() + peer.context());
            TcpInterop.await(peer, "the stack's connection in TIME-WAIT", SOON,
                    () -> TcpInterop.stackConnectionsToRemotePort(peer, PORT).stream()
                            .anyMatch(c -> c.state() == TIME_WAIT), peer::context);
            TcpInterop.await(peer, "no container socket on port " + PORT + " (LAST_ACK answered)", SOON,
                    () -> peer.containerSockets().stream().noneMatch(l -> l.contains(":" + PORT + " ")), peer::context);
            // nc exits at once on our FIN, so the container's kernel may acknowledge our FIN in the segment that
            // carries its own: FIN-WAIT-1 then goes straight to TIME-WAIT (RFC 9293 section 3.10.7.4, FIN bit).
            List<TcpState> states = trace.statesOfRemotePort(PORT);
            List<TcpState> tail = states.subList(states.indexOf(ESTABLISHED), states.size());
            assertTrue(tail.equals(List.of(ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT))
                    || tail.equals(List.of(ESTABLISHED, FIN_WAIT_1, TIME_WAIT)), states + "\n" + trace.text());
        }
    }

    @Test
    void bothCloseAtOnce(BusyboxPeer peer) {
        BsdSockets sockets = peer.sockets();
        int listener = TcpInterop.listen(peer, PORT);
        try (TcpInterop.Trace trace = new TcpInterop.Trace(peer);
             Sh.Background nc = peer.ncClient(PORT)) {
            int fd = TcpInterop.accept(peer, listener, SOON);
            nc.write(ascii("hello\n"));
            assertArrayEquals(ascii("hello\n"), TcpInterop.read(peer, fd, 6, SOON), peer.context());
            // The container closes (FIN), but the stack does not see it yet...
            peer.stack().gate().hold();
            nc.closeStdin();
            TcpInterop.await(peer, "the container in FIN_WAIT1", SOON,
                    () -> peer.containerSockets("FIN_WAIT1", PORT).size() == 1, peer::context);
            // ...and the stack closes too: the FINs cross. The container, in FIN-WAIT-1, gets a FIN that does not
            // acknowledge its own: CLOSING.
            sockets.close(fd);
            TcpInterop.await(peer, "the container in CLOSING", SOON,
                    () -> peer.containerSockets("CLOSING", PORT).size() == 1, peer::context);
            assertEquals(List.of(FIN_WAIT_1), states(peer), peer.context());
            // Now the stack gets the container's FIN: CLOSING, then the ACKs: TIME-WAIT on both sides.
            peer.stack().gate().release();
            TcpInterop.await(peer, "the stack's connection in TIME-WAIT", SOON,
                    () -> states(peer).equals(List.of(TIME_WAIT)), () -> peer.context() + "\n" + trace.text());
            TcpInterop.await(peer, "the container in TIME_WAIT", SOON,
                    () -> peer.containerSockets("TIME_WAIT", PORT).size() == 1, peer::context);
            assertInOrder(List.of(ESTABLISHED, FIN_WAIT_1, CLOSING, TIME_WAIT), trace.statesOfLocalPort(PORT), trace);
            assertEquals(0, nc.awaitExit(SOON), nc.stderrIfExited() + peer.context());
        } finally {
            peer.stack().gate().release();
            sockets.close(listener);
        }
    }

    private static List<TcpState> states(BusyboxPeer peer) {
        return TcpInterop.stackConnectionsOnLocalPort(peer, PORT).stream().map(TcpInterop.Conn::state).toList();
    }

    private static void assertInOrder(List<TcpState> expected, List<TcpState> actual, TcpInterop.Trace trace) {
        assertTrue(Collections.indexOfSubList(actual, expected) >= 0,
                "expected the states " + expected + " in a row, got " + actual + "\n" + trace.text());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
