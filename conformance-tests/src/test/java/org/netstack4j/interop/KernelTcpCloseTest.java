package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.interop.TcpInterop.SOON;
import static org.netstack4j.interop.TcpInterop.await;
import static org.netstack4j.interop.TcpInterop.context;
import static org.netstack4j.interop.TcpInterop.kernelSockets;
import static org.netstack4j.interop.TcpInterop.ssLine;
import static org.netstack4j.interop.TcpInterop.stackConnectionsOnLocalPort;
import static org.netstack4j.interop.TcpInterop.stackConnectionsToRemotePort;
import static org.netstack4j.tcp.TcpState.CLOSED;
import static org.netstack4j.tcp.TcpState.CLOSE_WAIT;
import static org.netstack4j.tcp.TcpState.CLOSING;
import static org.netstack4j.tcp.TcpState.ESTABLISHED;
import static org.netstack4j.tcp.TcpState.FIN_WAIT_1;
import static org.netstack4j.tcp.TcpState.FIN_WAIT_2;
import static org.netstack4j.tcp.TcpState.LAST_ACK;
import static org.netstack4j.tcp.TcpState.TIME_WAIT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.TcpState;

/**
 * Every order of closing a TCP connection between the stack and the Linux kernel, asserting what both sides
 * observe (bytes, end of stream, errors), the states the stack's connection goes through (its trace) and
 * where each side ends up: the side that closes first waits in TIME-WAIT, the other ends in CLOSED; after a
 * simultaneous close both wait; after a reset neither does.
 *
 * <ul>
 *   <li>{@link #stackClosesFirst}: the stack writes and closes; the kernel reads the bytes and EOF.</li>
 *   <li>{@link #kernelClosesFirst}: the kernel writes and closes; the stack reads the bytes and EOF, sits in
 *       CLOSE-WAIT until it closes too, then LAST-ACK, CLOSED.</li>
 *   <li>{@link #bothCloseAtOnce}: the two FINs cross in flight (the stack's inbound frames are held back
 *       while both close, see {@link InboundGate}): both sides pass through CLOSING into TIME-WAIT.</li>
 *   <li>{@link #kernelHalfClosesWhileTheStackKeepsSending}: the kernel sends a request and shuts down its
 *       sending side; the stack reads it to EOF and then sends 1 MiB, which the kernel still receives.</li>
 *   <li>{@link #stackHalfClosesAndStillReceives}: the stack sends, shuts down writing, and then receives the
 *       kernel's answer (its byte count plus 1 MiB) up to the kernel's FIN.</li>
 *   <li>{@link #stackAbortsWithReset} and {@link #kernelAbortsWithReset}: SO_LINGER 0 then close sends RST;
 *       the other side's read fails with "Connection reset by peer" (ECONNRESET); no TIME-WAIT anywhere.</li>
 * </ul>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang fails the test; cleanup still runs
class KernelTcpCloseTest {

    private static final int STACK_PORT = 7000;
    private static final int KERNEL_PORT = 6000;
    private static final int MIB = 1 << 20;
    private static final Duration TRANSFER = Duration.ofMinutes(2);

    @BeforeEach
    void needsRootAndTun() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("socat");
        KernelPeer.assumeTool("ss");
    }

    @Test
    void stackClosesFirst(TestInfo info) throws Exception {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             TcpInterop.Trace trace = new TcpInterop.Trace(peer)) {
            BsdSockets sockets = peer.sockets();
            int listener = TcpInterop.listen(peer, STACK_PORT);
            try (Sh.Background client = peer.background("socat", "-u",
                    "TCP:" + peer.stackIp() + ":" + STACK_PORT, "STDOUT")) {
                int fd = TcpInterop.accept(peer, listener, SOON);
                byte[] message = ascii("goodbye from the stack\n");
                TcpInterop.writeAll(peer, fd, message, SOON);
                sockets.close(fd);
                // The kernel reads the bytes, then EOF, and closes in turn.
                assertArrayEquals(message, client.readStdout(message.length, SOON, () -> context(peer)));
                assertEquals(0, client.awaitExit(SOON), client.stderrIfExited() + context(peer));
                await(peer, "the stack's connection in TIME-WAIT", SOON,
                        () -> stackConnectionsOnLocalPort(peer, STACK_PORT).stream().anyMatch(c -> c.state() == TIME_WAIT),
                        () -> context(peer) + "\n" + trace.text());
                List<TcpState> states = trace.statesOfLocalPort(STACK_PORT);
                assertEquals(List.of(ESTABLISHED, FIN_WAIT_1), states.subList(states.indexOf(ESTABLISHED),
                        states.indexOf(ESTABLISHED) + 2), trace.text());
                assertEquals(TIME_WAIT, states.getLast(), trace.text());
                // The kernel closed second: no TIME-WAIT on its side, its socket is gone.
                await(peer, "no kernel socket left for the connection", SOON,
                        () -> kernelSockets(peer, l -> l.matches(".*:" + STACK_PORT + "( .*|$)")).isEmpty(),
                        () -> context(peer));
            } finally {
                sockets.close(listener);
            }
        }
    }

    @Test
    void kernelClosesFirst(TestInfo info) throws Exception {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             TcpInterop.Trace trace = new TcpInterop.Trace(peer)) {
            BsdSockets sockets = peer.sockets();
            int listener = TcpInterop.listen(peer, STACK_PORT);
            try (Sh.Background client = peer.background("socat", "-u", "STDIN",
                    "TCP:" + peer.stackIp() + ":" + STACK_PORT)) {
                int fd = TcpInterop.accept(peer, listener, SOON);
                byte[] message = ascii("goodbye from the kernel\n");
                client.write(message);
                client.closeStdin(); // socat sends the bytes, then closes: FIN
                assertArrayEquals(message, TcpInterop.readToEnd(peer, fd, SOON), context(peer));
                assertEquals(0, client.awaitExit(SOON), client.stderrIfExited() + context(peer));
                // EOF read: the stack waits for its user in CLOSE-WAIT.
                assertEquals(List.of(CLOSE_WAIT), stackConnectionsOnLocalPort(peer, STACK_PORT).stream()
                        .map(TcpInterop.Conn::state).toList(), context(peer));
                sockets.close(fd);
                await(peer, "the stack's connection CLOSED", SOON,
                        () -> stackConnectionsOnLocalPort(peer, STACK_PORT).isEmpty(),
                        () -> context(peer) + "\n" + trace.text());
                assertEquals(List.of(CLOSE_WAIT, LAST_ACK, CLOSED), tail(trace.statesOfLocalPort(STACK_PORT), 3),
                        trace.text());
                assertEquals(1, kernelSockets(peer, ssLine("TIME-WAIT", STACK_PORT)).size(), context(peer));
            } finally {
                sockets.close(listener);
            }
        }
    }

    @Test
    void bothCloseAtOnce(TestInfo info) throws Exception {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             TcpInterop.Trace trace = new TcpInterop.Trace(peer)) {
            BsdSockets sockets = peer.sockets();
            int listener = TcpInterop.listen(peer, STACK_PORT);
            // -t: after its stdin ends, socat keeps reading the socket until the stack's FIN.
            try (Sh.Background client = peer.background("socat", "-t", "60", "STDIO",
                    "TCP:" + peer.stackIp() + ":" + STACK_PORT)) {
                int fd = TcpInterop.accept(peer, listener, SOON);
                byte[] hello = ascii("hello\n");
                client.write(hello);
                assertArrayEquals(hello, TcpInterop.read(peer, fd, hello.length, SOON), context(peer));

                // The kernel closes (shutdown SHUT_WR: FIN), but the stack does not see it yet...
                peer.gate().hold();
                client.closeStdin();
                await(peer, "the kernel in FIN-WAIT-1", SOON,
                        () -> kernelSockets(peer, ssLine("FIN-WAIT-1", STACK_PORT)).size() == 1, () -> context(peer));
                // ...and the stack closes too: its FIN crosses the kernel's. The kernel, in FIN-WAIT-1, gets a
                // FIN that does not acknowledge its own: CLOSING.
                sockets.close(fd);
                await(peer, "the kernel in CLOSING", SOON,
                        () -> kernelSockets(peer, ssLine("CLOSING", STACK_PORT)).size() == 1, () -> context(peer));
                assertEquals(List.of(FIN_WAIT_1), stackConnectionsOnLocalPort(peer, STACK_PORT).stream()
                        .map(TcpInterop.Conn::state).toList(), context(peer));
                // Now the stack gets the kernel's FIN (not acknowledging the stack's): CLOSING; then the ACKs.
                peer.gate().release();
                await(peer, "the stack's connection in TIME-WAIT", SOON,
                        () -> stackConnectionsOnLocalPort(peer, STACK_PORT).stream().anyMatch(c -> c.state() == TIME_WAIT),
                        () -> context(peer) + "\n" + trace.text());
                await(peer, "the kernel in TIME-WAIT", SOON,
                        () -> kernelSockets(peer, ssLine("TIME-WAIT", STACK_PORT)).size() == 1, () -> context(peer));
                assertEquals(List.of(ESTABLISHED, FIN_WAIT_1, CLOSING, TIME_WAIT),
                        tail(trace.statesOfLocalPort(STACK_PORT), 4), trace.text());
                assertEquals(0, client.awaitExit(SOON), client.stderrIfExited() + context(peer));
            } finally {
                peer.gate().release();
                sockets.close(listener);
            }
        }
    }

    @Test
    void kernelHalfClosesWhileTheStackKeepsSending(TestInfo info) throws Exception {
        Path dir = TcpInterop.workDir(info);
        byte[] request = ascii("please send me a megabyte\n".repeat(100));
        byte[] reply = TcpInterop.randomBytes(MIB, 70);
        Path requestFile = TcpInterop.write(dir.resolve("request.txt"), request);
        Path out = dir.resolve("reply.bin");
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             TcpInterop.Trace trace = new TcpInterop.Trace(peer)) {
            BsdSockets sockets = peer.sockets();
            int listener = TcpInterop.listen(peer, STACK_PORT);
            // socat sends the request, shuts down its sending side at the end of the file (FIN) and keeps
            // reading until the stack's FIN (-t bounds that wait).
            try (Sh.Background client = peer.background("sh", "-c", "socat -t 60 - TCP:" + peer.stackIp() + ":"
                    + STACK_PORT + " <" + requestFile + " >" + out)) {
                int fd = TcpInterop.accept(peer, listener, SOON);
                assertArrayEquals(request, TcpInterop.readToEnd(peer, fd, SOON), context(peer));
                assertEquals(List.of(CLOSE_WAIT), stackConnectionsOnLocalPort(peer, STACK_PORT).stream()
                        .map(TcpInterop.Conn::state).toList(), context(peer));
                // Half-closed by the kernel: the stack still sends, and the kernel still receives.
                TcpInterop.writeAll(peer, fd, reply, TRANSFER);
                sockets.close(fd);
                assertEquals(0, client.awaitExit(TRANSFER), client.stderrIfExited() + context(peer));
                byte[] received = TcpInterop.read(out);
                assertEquals(TcpInterop.sha256(reply), TcpInterop.sha256(received),
                        "the kernel received other bytes: " + TcpInterop.difference(reply, received) + context(peer));
                await(peer, "the stack's connection CLOSED", SOON,
                        () -> stackConnectionsOnLocalPort(peer, STACK_PORT).isEmpty(),
                        () -> context(peer) + "\n" + trace.text());
                assertEquals(List.of(ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSED),
                        tail(trace.statesOfLocalPort(STACK_PORT), 4), trace.text());
                assertEquals(1, kernelSockets(peer, ssLine("TIME-WAIT", STACK_PORT)).size(), context(peer));
            } finally {
                sockets.close(listener);
            }
        }
    }

    @Test
    void stackHalfClosesAndStillReceives(TestInfo info) throws Exception {
        Path dir = TcpInterop.workDir(info);
        byte[] request = TcpInterop.randomBytes(300_000, 71);
        byte[] reply = TcpInterop.randomBytes(MIB, 72);
        Path replyFile = TcpInterop.write(dir.resolve("reply.bin"), reply);
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             TcpInterop.Trace trace = new TcpInterop.Trace(peer);
             // The kernel's server counts what it receives up to EOF, then answers the count and 1 MiB, then
             // closes.
             Sh.Background server = peer.background("socat", "-t", "60", "TCP-LISTEN:" + KERNEL_PORT + ",reuseaddr",
                     "SYSTEM:wc -c; cat " + replyFile)) {
            TcpInterop.awaitKernelListener(peer, KERNEL_PORT);
            try (StackSocket s = StackSocket.connect(peer.sockets(), new SockAddrIn(peer.kernelIp(), KERNEL_PORT))) {
                TcpInterop.writeAll(peer, s.fd(), request, TRANSFER);
                s.shutdownOutput();
                byte[] answer = TcpInterop.readToEnd(peer, s.fd(), TRANSFER);
                byte[] count = ascii(request.length + "\n");
                String context = context(peer);
                assertTrue(answer.length >= count.length, "answer too short: " + answer.length + context);
                assertEquals(new String(count, StandardCharsets.US_ASCII),
                        new String(answer, 0, count.length, StandardCharsets.US_ASCII), context);
                byte[] body = java.util.Arrays.copyOfRange(answer, count.length, answer.length);
                assertEquals(TcpInterop.sha256(reply), TcpInterop.sha256(body),
                        "the stack received other bytes: " + TcpInterop.difference(reply, body) + context);
                // We sent our FIN first, then read the kernel's: TIME-WAIT.
                await(peer, "the stack's connection in TIME-WAIT", SOON,
                        () -> stackConnectionsToRemotePort(peer, KERNEL_PORT).stream().anyMatch(c -> c.state() == TIME_WAIT),
                        () -> context(peer) + "\n" + trace.text());
                List<TcpState> states = trace.statesOfRemotePort(KERNEL_PORT);
                assertEquals(List.of(ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT), tail(states, 4), trace.text());
            }
            assertEquals(0, server.awaitExit(SOON), server.stderrIfExited() + context(peer));
            assertEquals(List.of(), kernelSockets(peer, ssLine("TIME-WAIT", KERNEL_PORT)), context(peer));
        }
    }

    @Test
    void stackAbortsWithReset(TestInfo info) throws Exception {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             TcpInterop.Trace trace = new TcpInterop.Trace(peer)) {
            BsdSockets sockets = peer.sockets();
            int listener = TcpInterop.listen(peer, STACK_PORT);
            // The kernel's reader is cat on a bash /dev/tcp socket: unlike socat, which takes a reset on read
            // for end of file, cat reports the read error.
            try (Sh.Background client = peer.background("bash", "-c",
                    "exec 3<>/dev/tcp/" + peer.stackIp() + "/" + STACK_PORT + "; cat <&3")) {
                int fd = TcpInterop.accept(peer, listener, SOON);
                byte[] partial = ascii("partial\n");
                TcpInterop.writeAll(peer, fd, partial, SOON);
                assertArrayEquals(partial, client.readStdout(partial.length, SOON, () -> context(peer)));
                long resetsBefore = peer.counter(Counter.TCP_OUT_RSTS);
                sockets.setLinger(fd, true, 0);
                sockets.close(fd);
                // Gone at once: no FIN exchange, no TIME-WAIT.
                assertEquals(List.of(), stackConnectionsOnLocalPort(peer, STACK_PORT), context(peer));
                assertEquals(resetsBefore + 1, peer.counter(Counter.TCP_OUT_RSTS), context(peer));
                assertEquals(List.of(ESTABLISHED, CLOSED), tail(trace.statesOfLocalPort(STACK_PORT), 2), trace.text());
                int exit = client.awaitExit(SOON);
                String stderr = client.stderrIfExited();
                assertNotEquals(0, exit, stderr + context(peer));
                assertTrue(stderr.contains("Connection reset by peer"), stderr + context(peer));
                assertEquals(List.of(), kernelSockets(peer, l -> l.matches(".*:" + STACK_PORT + "( .*|$)")),
                        context(peer));
            } finally {
                sockets.close(listener);
            }
        }
    }

    @Test
    void kernelAbortsWithReset(TestInfo info) throws Exception {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             TcpInterop.Trace trace = new TcpInterop.Trace(peer)) {
            BsdSockets sockets = peer.sockets();
            int listener = TcpInterop.listen(peer, STACK_PORT);
            // linger=0: SO_LINGER {on, 0 s}, so socat's close() resets; shut-none: at the end of its stdin
            // socat does not shut the socket down (no FIN) but just closes it after -t.
            try (Sh.Background client = peer.background("socat", "-t", "0", "STDIO",
                    "TCP:" + peer.stackIp() + ":" + STACK_PORT + ",linger=0,shut-none")) {
                int fd = TcpInterop.accept(peer, listener, SOON);
                byte[] hello = ascii("hello before the reset\n");
                client.write(hello);
                assertArrayEquals(hello, TcpInterop.read(peer, fd, hello.length, SOON), context(peer));
                client.closeStdin();
                assertEquals(0, client.awaitExit(SOON), client.stderrIfExited() + context(peer));
                ErrnoException e = assertThrows(ErrnoException.class,
                        () -> TcpInterop.readToEnd(peer, fd, SOON), () -> context(peer) + "\n" + trace.text());
                assertEquals(Errno.ECONNRESET, e.errno(), context(peer));
                // The error is reported once; the connection is gone, without TIME-WAIT.
                assertEquals(List.of(), stackConnectionsOnLocalPort(peer, STACK_PORT), context(peer));
                assertEquals(CLOSED, trace.statesOfLocalPort(STACK_PORT).getLast(), trace.text());
                assertEquals(1, peer.counter(Counter.TCP_ESTAB_RESETS), context(peer));
                sockets.close(fd);
                assertEquals(List.of(), kernelSockets(peer, l -> l.matches(".*:" + STACK_PORT + "( .*|$)")),
                        context(peer));
            } finally {
                sockets.close(listener);
            }
        }
    }

    private static List<TcpState> tail(List<TcpState> states, int n) {
        return states.subList(Math.max(0, states.size() - n), states.size());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
