package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.tracediff.Conversation;
import org.netstack4j.tracediff.TcpPacket;
import org.netstack4j.tracediff.TraceComparison;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpSegment;

/**
 * The modern TCP options against Linux over a TAP (issue 5): window scaling, timestamps and SACK are negotiated
 * both ways (read from the capture), and a 20 MB transfer from the kernel during which the stack drops every
 * 50th new data segment on purpose arrives SHA-exact, with SACK blocks in the stack's ACKs and no
 * retransmission timeout at the kernel (its TcpExtTCPTimeouts stays 0; recovery is SACK-based).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KernelTcpExtensionsTest {
    private static final int BYTES = 20_000_000;
    private static final int PORT = 5001;

    @BeforeEach
    void needs() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("socat");
        KernelPeer.assumeTool("nstat");
    }

    @Test
    void optionsNegotiatedAndSackRepairsEveryFiftiethSegmentWithoutATimeout(TestInfo info) throws IOException {
        Path dir = TcpInterop.workDir(info);
        byte[] payload = TcpInterop.randomBytes(BYTES, 50);
        Path in = TcpInterop.write(dir.resolve("in.bin"), payload);
        Path capture;
        String nstat;
        int dropped;
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            int listener = TcpInterop.listen(peer, PORT);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                int fd = TcpInterop.accept(peer, listener, Duration.ofSeconds(30));
                byte[] all = TcpInterop.readToEnd(peer, fd, Duration.ofMinutes(2));
                peer.sockets().close(fd);
                return all;
            });
            peer.gate().dropEveryNthNewTcpSegment(50);
            Sh.Result r = peer.exec(Duration.ofMinutes(2), null, "sh", "-c",
                    "socat -u FILE:" + in + " TCP:" + peer.stackIp() + ":" + PORT);
            assertEquals(0, r.exitCode(), r.describe());
            byte[] got = received.join();
            assertEquals(TcpInterop.sha256(payload), TcpInterop.sha256(got),
                    "received other bytes: " + TcpInterop.difference(payload, got));
            dropped = peer.gate().droppedSegments();
            nstat = peer.exec(Duration.ofSeconds(10), null, "nstat", "-az").stdout();
            peer.sockets().close(listener);
            capture = peer.capture();
        }
        assertTrue(dropped >= BYTES / 1448 / 50 - 5, "the gate dropped " + dropped + " segments");
        assertEquals(0, counter(nstat, "TcpExtTCPTimeouts"), "the kernel needed a retransmission timeout:\n" + nstat);
        assertTrue(counter(nstat, "TcpExtTCPSackRecovery") > 0, "the kernel never recovered by SACK:\n" + nstat);
        assertTrue(counter(nstat, "TcpRetransSegs") >= dropped, "every dropped segment was sent again:\n" + nstat);

        List<Conversation> conns = TraceComparison.conversations(capture);
        Conversation c = conns.stream().filter(x -> x.server().endsWith(":" + PORT)).findFirst().orElseThrow();
        TcpPacket syn = c.sentBy(c.client()).getFirst();
        TcpPacket synAck = c.sentBy(c.server()).getFirst();
        assertTrue(syn.has(TcpSegment.SYN) && synAck.has(TcpSegment.SYN | TcpSegment.ACK), c.toString());
        for (TcpPacket p : List.of(syn, synAck)) {
            List<TcpOption> o = p.header().options();
            assertTrue(o.stream().anyMatch(x -> x instanceof TcpOption.WindowScale), "window scale in " + p.header());
            assertTrue(o.stream().anyMatch(x -> x instanceof TcpOption.Timestamps), "timestamps in " + p.header());
            assertTrue(o.contains(TcpOption.SackPermitted.INSTANCE), "SACK-permitted in " + p.header());
        }
        long sackAcks = c.sentBy(c.server()).stream()
                .filter(p -> p.header().options().stream().anyMatch(x -> x instanceof TcpOption.Sack)).count();
        assertTrue(sackAcks >= dropped, "the stack's ACKs carried SACK blocks " + sackAcks + " times for "
                + dropped + " holes");
        long stackDataTimestamps = c.sentBy(c.server()).stream().skip(1)
                .filter(p -> p.header().options().stream().noneMatch(x -> x instanceof TcpOption.Timestamps)).count();
        assertEquals(0, stackDataTimestamps, "every segment after the SYN,ACK carries timestamps");
    }

    /** The value of {@code name} in `nstat -az` output, 0 if absent. */
    private static long counter(String nstat, String name) {
        return nstat.lines().map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length >= 2 && f[0].equals(name))
                .mapToLong(f -> Long.parseLong(f[1])).findFirst().orElse(0);
    }
}
