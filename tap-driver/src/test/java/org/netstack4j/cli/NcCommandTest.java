package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code netstack4j nc} in a JVM of its own: it sets up a TAP whose kernel end lives in a namespace the test
 * made, connects through the stack to a kernel echo server (socat) there, sends its standard input and prints
 * what comes back, then exits 0 and leaves no TAP behind.
 */
class NcCommandTest {
    @BeforeEach
    void needsRoot() {
        Privileges.assumeRootWithTun();
    }

    @Test
    void copiesStdinToAKernelServerAndTheAnswerToStdout() throws Exception {
        String tap = "ns4jn" + TestNamespace.suffix();
        try (TestNamespace ns = TestNamespace.create()) {
            ShellRun.run("", "ip", "-n", ns.name(), "link", "set", "lo", "up");
            Process server = new ProcessBuilder("ip", "netns", "exec", ns.name(), "socat", "-T20",
                    "TCP-LISTEN:8080,reuseaddr", "SYSTEM:cat").redirectErrorStream(true).start();
            try {
                // The listener must exist before nc connects (the namespace is new: the listener is socat's).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!ShellRun.run("", "ip", "netns", "exec", ns.name(), "ss", "-Htln", "sport", "= :8080").out()
                        .contains("8080")) {
                    assertTrue(System.nanoTime() < deadline, "socat never listened");
                    assertTrue(server.isAlive(), "socat exited early");
                }
                List<String> cmd = new ArrayList<>(List.of(CliProcess.javaBinary(), "--enable-native-access=ALL-UNNAMED",
                        "-cp", String.join(File.pathSeparator, CliProcess.testClassPath()), "org.netstack4j.cli.Main",
                        "nc", "--tap", tap, "--address", "10.78.5.2/24", "--peer-address", "10.78.5.1/24",
                        "--netns", ns.name(), "10.78.5.1", "8080"));
                ShellRun nc = ShellRun.run("hello through the stack\n", cmd.toArray(String[]::new));
                assertEquals(0, nc.exitCode(), nc.describe());
                assertEquals("hello through the stack\n", nc.out(), nc.describe());
                assertTrue(nc.describe().contains("connected: 10.78.5.1:8080"), nc.describe());
                assertTrue(nc.describe().contains("ActiveOpens=1"), nc.describe());
            } finally {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
            assertFalse(ns.hasInterface(tap), "the TAP must be gone once nc has exited");
        }
        assertFalse(SystemCommand.succeeds("ip", "link", "show", "dev", tap), "TAP left on the host");
    }

    @Test
    void badTargetsGiveOneLineAndExitTwo() {
        for (String[] target : new String[][] {{"10.78.5.1"}, {"host.example", "80"}, {"10.78.5.1", "70000"}}) {
            List<String> args = new ArrayList<>(List.of("nc", "--tap", "ns4jbad", "--address", "10.78.6.2/24",
                    "--peer-address", "10.78.6.1/24"));
            args.addAll(List.of(target));
            CliResult r = CliResult.execute(args.toArray(String[]::new));
            assertEquals(ExitCodes.ERROR, r.exitCode(), r.describe());
            assertTrue(r.err().startsWith("netstack4j: ") && r.err().strip().lines().count() == 1, r.describe());
        }
    }
}
