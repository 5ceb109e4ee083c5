package org.netstack4j.interop;

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
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * TCP between the stack and the Linux kernel (in a namespace of its own, across a TAP), with socat as the
 * kernel's application, in both directions.
 *
 * <ul>
 *   <li>the kernel uses the stack's services: 1 MiB through echo comes back identical; daytime answers one
 *       line and closes (the stack, having closed first, is left in TIME-WAIT); chargen's first 100 000
 *       bytes follow RFC 864's pattern, and when the reader goes away the stack's connection ends; 1 MiB into
 *       discard is all taken (the stack acknowledges the FIN behind it);</li>
 *   <li>the stack uses a kernel server: 1 MiB to {@code socat ... EXEC:cat} and back, SHA-256 equal;</li>
 *   <li>connection refused both ways: the stack answers a SYN to a closed port with RST (the kernel reports
 *       "Connection refused"), and the kernel's RST makes the stack's connect fail with ECONNREFUSED.</li>
 * </ul>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang fails the test; cleanup still runs
class KernelTcpTest {

    private static final int MIB = 1 << 20;
    private static final Duration TRANSFER = Duration.ofMinutes(2);

    @BeforeEach
    void needsRootAndTun() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("socat");
        KernelPeer.assumeTool("ss");
    }

    @Test
    void kernelGetsOneMegabyteBackFromTheEchoService(TestInfo info) {
        Path dir = TcpInterop.workDir(info);
        byte[] payload = TcpInterop.randomBytes(MIB, 7);
        Path in = TcpInterop.write(dir.resolve("in.bin"), payload);
        Path out = dir.resolve("out.bin");
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            // socat sends the file, shuts down its sending side at the end (FIN) and keeps reading until the
            // stack's FIN; -t bounds that wait generously.
            Sh.Result r = peer.exec(TRANSFER, null, "sh", "-c",
                    "socat -t 60 - TCP:" + peer.stackIp() + ":7 <" + in + " >" + out);
            assertEquals(0, r.exitCode(), r.describe() + context(peer));
            byte[] echoed = TcpInterop.read(out);
            assertEquals(TcpInterop.sha256(payload), TcpInterop.sha256(echoed),
                    "echo returned other bytes: " + TcpInterop.difference(payload, echoed) + context(peer));
            // The kernel closed first (FIN after the data), so the kernel waits in TIME-WAIT and the stack's
            // connection ends in CLOSED (LAST-ACK answered).
            await(peer, "the stack's echo connection closed", SOON,
                    () -> stackConnectionsOnLocalPort(peer, 7).isEmpty(), () -> context(peer));
            assertEquals(1, kernelSockets(peer, ssLine("TIME-WAIT", 7)).size(), context(peer));
            assertEquals(1, peer.counter(Counter.TCP_PASSIVE_OPENS), context(peer));
            assertEquals(0, peer.counter(Counter.TCP_OUT_RSTS), context(peer));
        }
    }

    @Test
    void daytimeAnswersOneLineAndClosesFirst(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            Sh.Result r = peer.exec(SOON, null, "socat", "-u", "TCP:" + peer.stackIp() + ":13", "STDOUT");
            assertEquals(0, r.exitCode(), r.describe() + context(peer));
            // RFC 867 leaves the format open; the service writes e.g. "Wed, Nov 25, 2026 14:11:51-UTC" + CR LF.
            assertTrue(r.stdout().matches("[A-Z][a-z]+, [A-Z][a-z]+ \\d{1,2}, \\d{4} \\d\\d:\\d\\d:\\d\\d-UTC\r\n"),
                    "not a daytime line: '" + r.stdout() + "'" + context(peer));
            // The stack closed first: it waits in TIME-WAIT; the kernel, closing second, keeps nothing.
            await(peer, "the stack's daytime connection in TIME-WAIT", SOON,
                    () -> stackConnectionsOnLocalPort(peer, 13).stream().anyMatch(c -> c.state() == TcpState.TIME_WAIT),
                    () -> context(peer));
            await(peer, "no kernel socket left for port 13", SOON,
                    () -> kernelSockets(peer, l -> l.matches(".*:13( .*|$)")).isEmpty(), () -> context(peer));
        }
    }

    @Test
    void chargenFollowsThePatternUntilTheReaderLeaves(TestInfo info) {
        int n = 100_000;
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            // head exits after n bytes; socat then fails to write (EPIPE) and exits, closing a socket that
            // still holds unread data: the kernel resets the connection.
            Sh.Result r = peer.exec(SOON, null, "sh", "-c",
                    "socat -u TCP:" + peer.stackIp() + ":19 STDOUT | head -c " + n);
            assertEquals(0, r.exitCode(), r.describe() + context(peer));
            byte[] expected = TcpInterop.chargenPattern(n);
            assertEquals("", TcpInterop.difference(expected, r.stdoutBytes()), context(peer));
            await(peer, "the stack's chargen connection gone after the kernel left", SOON,
                    () -> stackConnectionsOnLocalPort(peer, 19).isEmpty(), () -> context(peer));
        }
    }

    @Test
    void discardTakesOneMegabyte(TestInfo info) {
        Path dir = TcpInterop.workDir(info);
        Path in = TcpInterop.write(dir.resolve("in.bin"), TcpInterop.randomBytes(MIB, 9));
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            Sh.Result r = peer.exec(TRANSFER, null, "socat", "-u", "OPEN:" + in, "TCP:" + peer.stackIp() + ":9");
            assertEquals(0, r.exitCode(), r.describe() + context(peer));
            // discard reads until end of stream and then closes: its FIN comes after all 1 MiB and the kernel's
            // FIN were taken, and the kernel, having closed first, waits in TIME-WAIT.
            await(peer, "the stack's discard connection closed", SOON,
                    () -> stackConnectionsOnLocalPort(peer, 9).isEmpty(), () -> context(peer));
            await(peer, "the kernel in TIME-WAIT (it saw the stack's FIN)", SOON,
                    () -> kernelSockets(peer, ssLine("TIME-WAIT", 9)).size() == 1, () -> context(peer));
            assertTrue(peer.counter(Counter.TCP_IN_SEGS) >= MIB / 1460, context(peer));
            assertEquals(0, peer.counter(Counter.TCP_OUT_RSTS), context(peer));
        }
    }

    @Test
    void stackExchangesOneMegabyteWithAKernelEchoServer(TestInfo info) throws Exception {
        int port = 5001;
        byte[] payload = TcpInterop.randomBytes(MIB, 5001);
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             Sh.Background server = peer.background("socat", "TCP-LISTEN:" + port + ",reuseaddr,fork", "EXEC:cat")) {
            TcpInterop.awaitKernelListener(peer, port);
            try (StackSocket s = StackSocket.connect(peer.sockets(), new SockAddrIn(peer.kernelIp(), port))) {
                // Write on one thread and read on this one, as any client of an echo server must.
                AtomicReference<Throwable> writeFailure = new AtomicReference<>();
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        TcpInterop.writeAll(peer, s.fd(), payload, TRANSFER);
                        s.shutdownOutput();
                    } catch (IOException | RuntimeException | AssertionError e) {
                        writeFailure.set(e);
                    }
                });
                byte[] echoed = TcpInterop.readToEnd(peer, s.fd(), TRANSFER);
                assertTrue(writer.join(TRANSFER), "writer still blocked" + context(peer));
                assertEquals(null, writeFailure.get(), context(peer));
                assertEquals(TcpInterop.sha256(payload), TcpInterop.sha256(echoed),
                        "the kernel echoed other bytes: " + TcpInterop.difference(payload, echoed)
                                + "\nserver stderr: " + server.stderrIfExited() + context(peer));
                // We shut down first, then read the kernel's FIN: TIME-WAIT.
                await(peer, "the stack's connection in TIME-WAIT", SOON,
                        () -> TcpInterop.stackConnectionsToRemotePort(peer, port).stream()
                                .anyMatch(c -> c.state() == TcpState.TIME_WAIT), () -> context(peer));
            }
            assertEquals(1, peer.counter(Counter.TCP_ACTIVE_OPENS), context(peer));
        }
    }

    @Test
    void kernelIsRefusedAtAClosedStackPort(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            Sh.Result r = peer.exec(SOON, null, "socat", "-u", "STDIN", "TCP:" + peer.stackIp() + ":4444");
            String context = r.describe() + context(peer);
            assertNotEquals(0, r.exitCode(), context);
            assertTrue(r.stderr().contains("Connection refused"), context);
            assertTrue(peer.counter(Counter.TCP_OUT_RSTS) >= 1, context);
            assertEquals(List.of(), TcpInterop.stackConnections(peer), context);
        }
    }

    @Test
    void stackIsRefusedAtAClosedKernelPort(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            BsdSockets sockets = peer.sockets();
            int fd = sockets.socket(AF_INET, SOCK_STREAM, 0);
            try {
                ErrnoException e = assertThrows(ErrnoException.class,
                        () -> sockets.connect(fd, new SockAddrIn(peer.kernelIp(), 4445)), () -> context(peer));
                assertEquals(Errno.ECONNREFUSED, e.errno(), context(peer));
                assertEquals(1, peer.counter(Counter.TCP_ATTEMPT_FAILS), context(peer));
                assertEquals(List.of(), TcpInterop.stackConnections(peer), context(peer));
            } finally {
                sockets.close(fd);
            }
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
