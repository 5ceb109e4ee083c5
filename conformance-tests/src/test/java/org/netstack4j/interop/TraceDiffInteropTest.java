package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.tracediff.Behaviour;
import org.netstack4j.tracediff.Conversation;
import org.netstack4j.tracediff.TraceComparison;

/**
 * Linux versus netstack4j on the same real traffic: one socat client sends 200 kB through an echo server and
 * half-closes, once against a Linux echo server (socat EXEC:cat in a second namespace, across a veth pair with
 * offloads off, captured with tcpdump) and once against the stack's echo service (over a TAP, captured by the
 * stack). The trace comparison must line the two connections up; the report of how the two servers' packet
 * sequences differ goes to {@code target/trace-diff/echo.txt} and to the test output.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TraceDiffInteropTest {
    private static final int BYTES = 200_000;
    private static final Duration RUN = Duration.ofSeconds(60);

    @BeforeEach
    void needs() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("socat");
        KernelPeer.assumeTool("tcpdump");
        KernelPeer.assumeTool("ethtool");
    }

    @Test
    void echoSessionAgainstLinuxAndAgainstTheStack(TestInfo info) throws IOException {
        Path dir = TcpInterop.workDir(info);
        Path in = TcpInterop.write(dir.resolve("in.bin"), TcpInterop.randomBytes(BYTES, 11));
        Path linuxPcap = dir.resolve("linux.pcap");

        try (KernelPair pair = new KernelPair()) {
            pair.run(pair.server, "ethtool", "-K", "v4s", "tso", "off", "gso", "off", "gro", "off", "tx", "off");
            pair.run(pair.client, "ethtool", "-K", "v4c", "tso", "off", "gso", "off", "gro", "off", "tx", "off");
            Sh.Background server = pair.background(pair.server, "socat", "TCP-LISTEN:7,reuseaddr", "EXEC:cat");
            pair.awaitListening(pair.server, 7);
            Sh.Background dump = pair.background(pair.client, "tcpdump", "-i", "v4c", "-n", "-U", "--immediate-mode", "-w",
                    linuxPcap.toString(), "tcp", "port", "7");
            pair.awaitCaptureStarted(linuxPcap);
            Path out = dir.resolve("linux-out.bin");
            Sh.Result r = pair.exec(pair.client, "sh", "-c", "socat -t 10 - TCP:10.93.0.2:7 <" + in + " >" + out);
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals(BYTES, Files.size(out));
            pair.awaitClosedInCapture(linuxPcap);
            dump.stop(Duration.ofSeconds(10));
            server.close();
        }

        Path stackPcap;
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            Path out = dir.resolve("stack-out.bin");
            Sh.Result r = peer.exec(RUN, null, "sh", "-c",
                    "socat -t 10 - TCP:" + peer.stackIp() + ":7 <" + in + " >" + out);
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals(BYTES, Files.size(out));
            stackPcap = peer.capture();
        }

        TraceComparison cmp = TraceComparison.of(linuxPcap, stackPcap);
        String report = cmp.report("Linux echo server (" + linuxPcap + ")", "netstack4j echo service (" + stackPcap + ")");
        Files.createDirectories(KernelPeer.PCAP_DIR.getParent().resolve("trace-diff"));
        Files.writeString(KernelPeer.PCAP_DIR.getParent().resolve("trace-diff").resolve("echo.txt"), report);
        System.out.println(report);

        List<Conversation> linux = cmp.first();
        List<Conversation> stack = cmp.second();
        assertEquals(1, linux.size(), report);
        assertEquals(1, stack.size(), report);
        for (Conversation c : List.of(linux.getFirst(), stack.getFirst())) {
            Map<String, String> client = Behaviour.of(c, c.client());
            Map<String, String> server = Behaviour.of(c, c.server());
            assertEquals(Integer.toString(BYTES), client.get("payload bytes"), report);
            assertEquals(Integer.toString(BYTES), server.get("payload bytes"), report);
            assertEquals("true", client.get("closed first"), report);
            assertEquals("true", server.get("sent FIN"), report);
            assertTrue(c.server().endsWith(":7"), report);
        }
        // Same client workload: the comparison must not see a difference in what the client sent.
        assertTrue(cmp.differences().stream().noneMatch(d -> d.side().equals("client")
                && d.property().equals("payload bytes")), report);
    }

    /** Two namespaces joined by a veth pair (client 10.93.0.1, server 10.93.0.2), removed on close. */
    private static final class KernelPair implements AutoCloseable {
        final String client;
        final String server;
        private final Deque<String> namespaces = new ArrayDeque<>();

        KernelPair() {
            long id = ProcessHandle.current().pid() % 100_000;
            client = "n4jtdc" + id;
            server = "n4jtds" + id;
            try {
                for (String ns : List.of(client, server)) {
                    Sh.ok("ip", "netns", "add", ns);
                    namespaces.push(ns);
                    Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
                }
                Sh.ok("ip", "-n", client, "link", "add", "v4c", "type", "veth", "peer", "name", "v4s", "netns", server);
                Sh.ok("ip", "-n", client, "addr", "add", "10.93.0.1/24", "dev", "v4c");
                Sh.ok("ip", "-n", server, "addr", "add", "10.93.0.2/24", "dev", "v4s");
                Sh.ok("ip", "-n", client, "link", "set", "v4c", "up");
                Sh.ok("ip", "-n", server, "link", "set", "v4s", "up");
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        String run(String ns, String... command) {
            return Sh.ok(argv(ns, command));
        }

        Sh.Result exec(String ns, String... command) {
            return Sh.run(RUN, null, argv(ns, command));
        }

        Sh.Background background(String ns, String... command) {
            return Sh.background(argv(ns, command));
        }

        void awaitListening(String ns, int port) {
            poll("a listener on port " + port + " in " + ns,
                    () -> exec(ns, "ss", "-Hltn", "sport = :" + port).stdout().contains(":" + port));
        }

        void awaitCaptureStarted(Path pcap) {
            // tcpdump writes the file header once the capture is active.
            poll("tcpdump to start", () -> Files.isRegularFile(pcap) && sizeOf(pcap) >= 24);
        }

        /** Waits until the capture holds the whole close: both FINs and an ACK after the second one. */
        void awaitClosedInCapture(Path pcap) {
            poll("the close to reach the capture", () -> {
                try {
                    List<Conversation> cs = TraceComparison.conversations(pcap);
                    if (cs.size() != 1) {
                        return false;
                    }
                    List<org.netstack4j.tracediff.TcpPacket> ps = cs.getFirst().packets();
                    int fins = 0;
                    for (int i = 0; i < ps.size(); i++) {
                        if (ps.get(i).has(org.netstack4j.wire.TcpSegment.FIN) && ++fins == 2) {
                            return i + 1 < ps.size(); // the ACK of the second FIN follows it
                        }
                    }
                    return false;
                } catch (IOException e) {
                    return false; // tcpdump is still writing a record
                }
            });
        }

        private static long sizeOf(Path p) {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return 0;
            }
        }

        /**
         * Re-checks {@code done} every 50 ms for up to 20 s. Only kernel-side processes (socat, tcpdump) are waited
         * for here, in real time; no netstack4j protocol timing depends on it (the stack runs in the second half).
         */
        private static void poll(String what, java.util.function.BooleanSupplier done) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + what, e);
                }
            }
        }

        private static String[] argv(String ns, String... command) {
            return Sh.inNetns(ns, command);
        }

        @Override
        public void close() {
            // Deleting a namespace kills nothing, so stop what still runs in it first; the veth goes with it.
            while (!namespaces.isEmpty()) {
                String ns = namespaces.pop();
                Sh.run(Sh.SETUP_TIMEOUT, null, "sh", "-c", "ip netns pids " + ns + " | xargs -r kill -9");
                Sh.run(Sh.SETUP_TIMEOUT, null, "ip", "netns", "del", ns);
            }
        }
    }
}
