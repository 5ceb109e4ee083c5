package org.netstack4j.tracediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.IPPROTO_TCP;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.socket.SocketConstants.TCP_MAXSEG;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.testing.TwoStacks;

/**
 * Two stacks run the same request/response workload in virtual time, each run captured to a pcap; the comparison
 * finds no difference between identical runs and names exactly the properties a changed run changes.
 */
class TraceComparisonTest {
    private static final int RESPONSE = 20_000;

    @TempDir
    Path dir;

    /** A asks B for 20000 bytes on port 80; B answers and closes first; optionally A's MSS is capped. */
    private Path run(String name, int clientMss) throws IOException {
        Path file = dir.resolve(name + ".pcap");
        try (PcapWriter pcap = new PcapWriter(file); TwoStacks net = TwoStacks.create(pcap)) {
            BsdSockets a = net.socketsA;
            BsdSockets b = net.socketsB;
            int l = b.socket(AF_INET, SOCK_STREAM, 0);
            b.bind(l, SockAddrIn.of("0.0.0.0", 80));
            b.listen(l, 4);
            int c = a.socket(AF_INET, SOCK_STREAM, 0);
            if (clientMss > 0) {
                a.setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, clientMss);
            }
            a.connect(c, new SockAddrIn(TwoStacks.B, 80));
            int s = b.accept(l).fd();
            a.write(c, "GET /bytes/20000\r\n\r\n".getBytes(), 0, 20);
            byte[] buf = new byte[RESPONSE];
            assertEquals(20, b.read(s, buf, 0, buf.length));
            assertEquals(RESPONSE, b.write(s, new byte[RESPONSE], 0, RESPONSE));
            b.close(s);
            int got = 0;
            for (int n; (n = a.read(c, buf, 0, buf.length)) > 0; ) {
                got += n;
            }
            assertEquals(RESPONSE, got);
            a.close(c);
            b.close(l);
            net.sim.runFor(Duration.ofSeconds(61));
        }
        return file;
    }

    @Test
    void identicalRunsHaveNoDifference() throws IOException {
        TraceComparison same = TraceComparison.of(run("one", 0), run("two", 0));
        assertEquals(1, same.first().size());
        assertEquals(1, same.second().size());
        assertEquals(List.of(), same.differences(), same.report("one", "two"));
        Conversation c = same.first().getFirst();
        assertTrue(c.client().startsWith(TwoStacks.A + ":"), c.toString());
        assertEquals(TwoStacks.B + ":80", c.server());
        assertTrue(same.report("one", "two").contains("0 difference(s) in 1 connection pair(s)"));
    }

    @Test
    void aSmallerMssShowsInOptionsAndSegmentation() throws IOException {
        TraceComparison cmp = TraceComparison.of(run("plain", 0), run("mss536", 536));
        String report = cmp.report("plain", "mss536");
        List<String> changed = cmp.differences().stream().map(d -> d.side() + " " + d.property()).toList();
        assertTrue(changed.contains("client handshake options"), report);
        assertTrue(changed.contains("server largest payload"), report);
        assertTrue(changed.contains("server data segments"), report);
        assertTrue(!changed.contains("server payload bytes") && !changed.contains("server closed first"), report);
        TraceComparison.Difference mss = cmp.differences().stream()
                .filter(d -> d.property().equals("largest payload")).findFirst().orElseThrow();
        assertEquals("1460", mss.a());
        assertEquals("536", mss.b());
        assertTrue(report.contains("!="), report);
    }

    @Test
    void behaviourCountsRetransmissionsAndTheClosingSide() throws IOException {
        List<Conversation> cs = TraceComparison.conversations(run("x", 0));
        Conversation c = cs.getFirst();
        assertEquals("0", Behaviour.of(c, c.server()).get("retransmissions"));
        assertEquals("true", Behaviour.of(c, c.server()).get("closed first"));
        assertEquals("false", Behaviour.of(c, c.client()).get("closed first"));
        assertEquals(Integer.toString(RESPONSE), Behaviour.of(c, c.server()).get("payload bytes"));
        // The same segment twice counts once as a retransmission.
        List<TcpPacket> server = c.sentBy(c.server());
        TcpPacket data = server.stream().filter(p -> p.payloadLength() > 0).findFirst().orElseThrow();
        assertEquals(1, Behaviour.retransmissions(List.of(data, data)));
        assertEquals(0, Behaviour.retransmissions(List.of(data)));
    }

    @Test
    void commandExitsZeroForAlikeCapturesOneForDifferentTwoForBadInput() throws IOException {
        Path one = run("one", 0);
        Path two = run("two", 0);
        Path small = run("small", 536);
        assertEquals(0, cli("trace-diff", one.toString(), two.toString()).code());
        Cli diff = cli("trace-diff", one.toString(), small.toString());
        assertEquals(1, diff.code());
        assertTrue(diff.out().contains("server largest payload") && diff.out().contains("!="), diff.out());
        Cli missing = cli("trace-diff", one.toString(), dir.resolve("nope.pcap").toString());
        assertEquals(2, missing.code());
        assertEquals("netstack4j: no such capture file: " + dir.resolve("nope.pcap") + "\n", missing.err());
        Path junk = Files.writeString(dir.resolve("junk.pcap"), "junk");
        Cli bad = cli("trace-diff", one.toString(), junk.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("netstack4j: ") && bad.err().contains("too short for a pcap file")
                && bad.err().lines().count() == 1, bad.err());
    }

    private record Cli(int code, String out, String err) {}

    private static Cli cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = org.netstack4j.cli.Main.execute(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), args);
        return new Cli(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void notAPcapFileIsAClearError() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.pcap"), "this is not a capture at all");
        IOException e = assertThrows(IOException.class, () -> PcapReader.read(junk));
        assertTrue(e.getMessage().contains("not a pcap file"), e.getMessage());
    }
}
