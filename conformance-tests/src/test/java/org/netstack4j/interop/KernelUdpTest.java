package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;

/**
 * UDP between the stack and the Linux kernel (in a namespace of its own, across a TAP), in both directions,
 * with the kernel's own socat as the application on its side.
 *
 * <ul>
 *   <li>{@link #kernelGetsItsBytesBackFromTheEchoService}: a kernel socket's datagram to echo (port 7) comes
 *       back byte for byte — a short one, and a 5000-byte one that travels fragmented both ways.</li>
 *   <li>{@link #closedPortIsConnectionRefusedForTheKernel}: a datagram to a port with no socket makes the stack
 *       answer ICMP port unreachable, which the kernel turns into ECONNREFUSED for its connected socket.</li>
 *   <li>{@link #stackDatagramReachesAKernelSocket}: a datagram the stack sends (after resolving the kernel by
 *       ARP) is read intact by a kernel socket — short, and fragmented by the stack.</li>
 *   <li>{@link #kernelRefusalReachesTheStacksConnectedSocket}: the reverse of the refusal test — the kernel's
 *       port unreachable makes the stack's connected socket fail with ECONNREFUSED.</li>
 * </ul>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang fails the test; cleanup still runs
class KernelUdpTest {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);

    @BeforeEach
    void needsRootAndTun() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("socat");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {16, 5000})
    void kernelGetsItsBytesBackFromTheEchoService(int size, TestInfo info) throws IOException {
        byte[] payload = size == 16 ? "hello netstack4j".getBytes(StandardCharsets.US_ASCII) : randomBytes(size);
        Path input = writeInput(info, payload);
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             // The file is read in one piece, so socat sends exactly one datagram; -t leaves it time to
             // collect the answer, but the test reads the answer as soon as it is there and then stops socat.
             Sh.Background socat = peer.background(input.toFile(),
                     "socat", "-t", "30", "-", "UDP:" + peer.stackIp() + ":7")) {
            byte[] echoed = socat.readStdout(size, REPLY_TIMEOUT, peer::countersText);
            String context = "\n--- stack counters:\n" + peer.countersText() + "\n" + peer;
            assertArrayEquals(payload, echoed, "echo returned other bytes" + context);
            assertEquals(1, peer.counter(Counter.UDP_IN_DATAGRAMS), context);
            assertEquals(1, peer.counter(Counter.UDP_OUT_DATAGRAMS), context);
            if (size > 1472) {
                assertEquals(1, peer.counter(Counter.IP_REASM_OKS), "the request was not reassembled" + context);
                assertEquals(1, peer.counter(Counter.IP_FRAG_OKS), "the answer was not fragmented" + context);
                assertTrue(peer.counter(Counter.IP_FRAG_CREATES) >= 4, context);
            }
        }
    }

    @Test
    void closedPortIsConnectionRefusedForTheKernel(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             // stdin stays open, so this socat never ends by itself: only an error on the socket ends it.
             Sh.Background socat = peer.background("socat", "-", "UDP-CONNECT:" + peer.stackIp() + ":9999")) {
            socat.write("anyone there?\n".getBytes(StandardCharsets.US_ASCII));
            int exit = socat.awaitExit(REPLY_TIMEOUT);
            String context = "socat exit " + exit + ", stderr: " + socat.stderrIfExited()
                    + "\n--- stack counters:\n" + peer.countersText() + "\n" + peer;
            assertNotEquals(-1, exit, "socat still running: the kernel saw no refusal\n" + context);
            assertNotEquals(0, exit, context);
            assertTrue(socat.stderrIfExited().contains("Connection refused"), context);
            assertEquals(1, peer.counter(Counter.UDP_NO_PORTS), context);
            assertEquals(1, peer.counter(Counter.ICMP_OUT_DEST_UNREACHS), context);
            assertEquals(0, peer.counter(Counter.UDP_IN_DATAGRAMS), context);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {15, 6000})
    void stackDatagramReachesAKernelSocket(int size, TestInfo info) {
        byte[] payload = size == 15 ? "from netstack4j".getBytes(StandardCharsets.US_ASCII) : randomBytes(size);
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             // Receives one datagram, writes it to stdout and exits.
             Sh.Background listener = peer.background("socat", "-u", "UDP-RECVFROM:5555", "STDOUT")) {
            awaitUdpListener(peer, 5555);
            BsdSockets sockets = peer.sockets();
            int fd = sockets.socket(AF_INET, SOCK_DGRAM, 0);
            try {
                assertEquals(size, sockets.sendto(fd, payload, 0, size, 0, new SockAddrIn(peer.kernelIp(), 5555)));
                byte[] received = listener.readStdout(size, REPLY_TIMEOUT, peer::countersText);
                int exit = listener.awaitExit(REPLY_TIMEOUT);
                String context = "listener exit " + exit + ", stderr: " + listener.stderrIfExited()
                        + "\n--- stack counters:\n" + peer.countersText() + "\n" + peer;
                assertArrayEquals(payload, received, context);
                assertEquals(0, exit, context);
                assertEquals(1, peer.counter(Counter.UDP_OUT_DATAGRAMS), context);
                assertTrue(peer.counter(Counter.ARP_IN_REPLIES) >= 1, "the stack did not resolve the kernel" + context);
                assertEquals(size > 1472 ? 1 : 0, peer.counter(Counter.IP_FRAG_OKS), context);
            } finally {
                sockets.close(fd);
            }
        }
    }

    @Test
    void kernelRefusalReachesTheStacksConnectedSocket(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            // Nothing listens on that port.
            ErrnoException e = UdpInterop.errorOfConnectedSocket(peer, new SockAddrIn(peer.kernelIp(), 5556),
                    REPLY_TIMEOUT);
            String context = "\n--- stack counters:\n" + peer.countersText() + "\n" + peer;
            assertEquals(Errno.ECONNREFUSED, e.errno(), context);
            assertEquals(1, peer.counter(Counter.ICMP_IN_DEST_UNREACHS), context);
        }
    }

    /** Waits, up to a generous deadline, until a kernel socket in the namespace is bound to UDP {@code port}. */
    static void awaitUdpListener(KernelPeer peer, int port) {
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            seen = peer.inNs("ss", "-Hnuln", "sport", "=", ":" + port);
            if (!seen.isBlank()) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no UDP socket bound to port " + port + " in " + peer.namespace()
                + " within " + REPLY_TIMEOUT + ": " + seen);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static Path writeInput(TestInfo info, byte[] payload) throws IOException {
        Path dir = KernelPeer.PCAP_DIR.resolveSibling("interop-inputs");
        Files.createDirectories(dir);
        Path file = dir.resolve(KernelPeer.captureName(info).replace(".pcap", ".bin"));
        Files.write(file, payload);
        return file;
    }
}
