package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netstack4j run} in a JVM of its own on a real TAP whose kernel end lives in a namespace: the kernel
 * pings it and talks to its echo service; SIGTERM makes it print its counters, remove the TAP and exit 0.
 */
class RunOnTapTest {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration SHUTDOWN = Duration.ofSeconds(60);
    private static final String ADDRESS = "10.77.0.2";

    @TempDir
    Path dir;

    @BeforeEach
    void needsRoot() {
        Privileges.assumeRootWithTun();
    }

    private static String classPath() {
        return String.join(java.io.File.pathSeparator, CliProcess.testClassPath());
    }

    @Test
    void answersPingAndEchoInANamespaceTheTestCreated() throws Exception {
        String tap = "ns4jr" + TestNamespace.suffix();
        Path pcap = dir.resolve("run.pcap");
        Path trace = dir.resolve("run.trace");
        try (TestNamespace ns = TestNamespace.create()) {
            try (CliProcess cli = CliProcess.start(List.of(), classPath(), dir, "run", "--tap", tap,
                    "--address", ADDRESS + "/24", "--peer-address", "10.77.0.1/24", "--netns", ns.name(),
                    "--pcap", pcap.toString(), "--trace", trace.toString())) {
                assertTrue(cli.awaitLine("ready: " + ADDRESS + " on " + tap, STARTUP), cli.describe());
                assertTrue(cli.out().contains("ip netns exec " + ns.name() + " ping " + ADDRESS), cli.describe());
                assertTrue(ns.hasInterface(tap), "the TAP should be in the namespace");

                ShellRun ping = ShellRun.run("", "ip", "netns", "exec", ns.name(), "ping", "-c", "2", "-W", "2", ADDRESS);
                assertEquals(0, ping.exitCode(), ping.describe() + cli.describe());
                ShellRun echo = ShellRun.run("hello\n", "ip", "netns", "exec", ns.name(), "socat", "-t2", "-",
                        "UDP:" + ADDRESS + ":7");
                assertEquals("hello\n", echo.out(), echo.describe() + cli.describe());
                ShellRun tcpEcho = ShellRun.run("over tcp\n", "ip", "netns", "exec", ns.name(), "socat", "-t2", "-",
                        "TCP:" + ADDRESS + ":7");
                assertEquals("over tcp\n", tcpEcho.out(), tcpEcho.describe() + cli.describe());

                cli.terminate();
                assertEquals(0, cli.awaitExit(SHUTDOWN), cli.describe());
                assertTrue(cli.out().contains("counters:"), cli.describe());
                assertTrue(cli.out().contains("InEchos=2"), cli.describe());
                assertTrue(cli.out().contains("Udp: InDatagrams=1"), cli.describe());
                assertFalse(cli.out().contains("deleted namespace"), cli.describe());
                assertTrue(cli.out().contains("sockets at shutdown:"), cli.describe());
                assertEquals("", cli.err(), cli.describe());
            }
            // The TCP echo left its transitions in the trace, one JSON object per line.
            List<String> events = java.nio.file.Files.readAllLines(trace);
            assertTrue(events.stream().anyMatch(l -> l.contains("\"from\":\"LISTEN\",\"to\":\"SYN_RECEIVED\"")),
                    String.join("\n", events));
            assertTrue(events.stream().anyMatch(l -> l.contains("\"to\":\"ESTABLISHED\"")), String.join("\n", events));
            assertTrue(events.stream().allMatch(l -> l.startsWith("{\"t_ns\":") && l.endsWith("}")));
            assertFalse(ns.hasInterface(tap), "the TAP must be gone once run has exited");
            assertTrue(ns.exists(), "run must not delete a namespace it did not create");
            assertTrue(PcapFile.countFrames(pcap) >= 6, "ping and echo frames in the capture");
        }
        assertFalse(SystemCommand.succeeds("ip", "link", "show", "dev", tap), "TAP left on the host");
    }

    @Test
    void createsAndDeletesItsOwnNamespace() throws Exception {
        String tap = "ns4jr" + TestNamespace.suffix();
        try (TestNamespace ns = TestNamespace.named()) {
            assertFalse(ns.exists());
            try (CliProcess cli = CliProcess.start(List.of(), classPath(), dir, "run", "--tap", tap,
                    "--address", ADDRESS + "/24", "--peer-address", "10.77.0.1/24", "--netns", ns.name(),
                    "--services", "echo")) {
                assertTrue(cli.awaitLine("ready:", STARTUP), cli.describe());
                assertTrue(ns.exists(), "run should have created the namespace");
                ShellRun echo = ShellRun.run("again\n", "ip", "netns", "exec", ns.name(), "socat", "-t2", "-",
                        "UDP:" + ADDRESS + ":7");
                assertEquals("again\n", echo.out(), echo.describe() + cli.describe());

                cli.terminate();
                assertEquals(0, cli.awaitExit(SHUTDOWN), cli.describe());
                assertTrue(cli.out().contains("deleted namespace " + ns.name()), cli.describe());
            }
            assertFalse(ns.exists(), "run must delete the namespace it created");
        }
        assertFalse(SystemCommand.succeeds("ip", "link", "show", "dev", tap), "TAP left on the host");
    }
}
