package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.adapter.StackServerSocket;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.device.DeviceCounters;
import org.netstack4j.device.TapDevice;

/**
 * 100 MB each way between the kernel (in its namespace) and the stack over a TAP with offloads on, SHA-256
 * exact: kernel to stack with socat into a stack-side reader, stack to kernel through the HTTP service and curl.
 * At MTU 1500 the device counters must show that the offloads were really used: far fewer frames crossed the
 * TAP than MTU-sized segments would need, because the kernel handed over TCP super-frames and the stack handed
 * the kernel 64 KiB segments to cut. Checksums are offloaded both ways: the stack neither completes nor
 * verifies the ones the kernel marks NEEDS_CSUM, and leaves its own TCP checksums for the kernel to complete,
 * so the SHA-256 checks also show that nothing relied on a checksum it skipped. The same transfers at MTU 65520.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TapOffloadInteropTest {
    private static final long BYTES = 100L << 20;
    private static final int PORT = 5009;
    private static final Duration TRANSFER = Duration.ofMinutes(3);

    @BeforeEach
    void needsRootTunSocatCurl() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("socat");
        KernelPeer.assumeTool("curl");
        KernelPeer.assumeTool("sha256sum");
    }

    @Test
    void hundredMegabytesEachWayWithOffloadsAtMtu1500(TestInfo info) throws Exception {
        try (KernelPeer peer = KernelPeer.overTap(null, 1500, TapDevice.Offload.ON)) {
            assumeTrue(peer.tap().offloads(), "skipped: this kernel refuses TAP offloads (TUNSETOFFLOAD)");
            DeviceCounters c = peer.tap().counters();
            long before = c.framesReceived();
            kernelToStack(peer, TcpInterop.workDir(info));
            long framesIn = c.framesReceived() - before;
            // Without offloads 100 MB needs over 71 000 frames of 1460 payload bytes.
            assertTrue(framesIn < BYTES / 1460 / 4, framesIn + " frames in: the kernel sent no super-frames");
            long sentBefore = c.framesSent();
            stackToKernel(peer);
            long framesOut = c.framesSent() - sentBefore;
            assertTrue(framesOut < BYTES / 1460 / 4, framesOut + " frames out: the stack sent no large segments");
            assertTrue(peer.tap().tcpChecksumOffloaded(), "the kernel did not complete the stack's TCP checksums");
            // Large segments leave as a header and slices of the send queue, gathered by writev(2): no copy.
            assertTrue(c.framesGathered() > framesOut / 2, c.framesGathered() + " of " + framesOut + " frames gathered");
            assertEquals(0, c.offloadDrops(), c.toString());
        }
    }

    @Test
    void hundredMegabytesEachWayAtMtu65520(TestInfo info) throws Exception {
        try (KernelPeer peer = KernelPeer.overTap(null, 65520, TapDevice.Offload.ON)) {
            kernelToStack(peer, TcpInterop.workDir(info));
            stackToKernel(peer);
            assertEquals(0, peer.tap().counters().offloadDrops(), peer.tap().counters().toString());
        }
    }

    /** socat sends 100 MB of random bytes from a file; the stack reads them and hashes them. */
    private static void kernelToStack(KernelPeer peer, Path dir) throws Exception {
        Path in = dir.resolve("in.bin");
        String prepared = peer.inNs("sh", "-c", "head -c " + BYTES + " /dev/urandom >" + in + " && sha256sum " + in);
        String expected = prepared.trim().split("\\s+")[0];
        try (StackServerSocket server = StackServerSocket.bind(peer.sockets(), PORT, 4)) {
            CompletableFuture<String> received = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (StackSocket s = server.accept()) {
                    received.complete(sha256(s.getInputStream()));
                } catch (IOException | RuntimeException e) {
                    received.completeExceptionally(e);
                }
            });
            Sh.Result r = peer.exec(TRANSFER, null, "socat", "-u", "FILE:" + in, "TCP:" + peer.stackIp() + ":" + PORT);
            assertEquals(0, r.exitCode(), r.describe() + TcpInterop.context(peer));
            assertEquals(expected, received.get(TRANSFER.toSeconds(), TimeUnit.SECONDS),
                    "the stack received other bytes than the kernel sent" + TcpInterop.context(peer));
        }
    }

    /** curl fetches 100 MB from the stack's HTTP service; their SHA-256 must be the service's pattern's. */
    private static void stackToKernel(KernelPeer peer) {
        Sh.Result r = peer.exec(TRANSFER, null, "sh", "-c",
                "curl -sS --fail http://" + peer.stackIp() + "/bytes/" + BYTES + " | sha256sum");
        assertEquals(0, r.exitCode(), r.describe() + TcpInterop.context(peer));
        assertEquals(TcpInterop.httpPatternSha256(BYTES), r.stdout().trim().split("\\s+")[0],
                "the kernel received other bytes than the stack sent" + TcpInterop.context(peer));
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest md = TcpInterop.digest();
        byte[] buf = new byte[256 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
