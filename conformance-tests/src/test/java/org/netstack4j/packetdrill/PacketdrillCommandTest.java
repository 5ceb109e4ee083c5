package org.netstack4j.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netstack4j.cli.Main;

/** {@code netstack4j packetdrill}: output, exit codes and flag errors. */
class PacketdrillCommandTest {
    private static final String GOOD = """
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 bind(3, ..., ...) = 0
            +0 listen(3, 1) = 0
            +0 < S 0:0(0) win 65535 <mss 1460>
            +0 > S. 0:0(0) ack 1 <mss 1460>
            """;

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void directoryRunsEveryScriptAndSummarises() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("d/sub"));
        Files.writeString(dir.resolve("d/a.pkt"), GOOD);
        Files.writeString(sub.resolve("b.pkt"), GOOD.replace("ack 1", "ack 9"));
        Files.writeString(sub.resolve("c.pkt"), "`reboot`\n" + GOOD);
        Files.writeString(sub.resolve("notes.txt"), "not a script");
        Run r = run("packetdrill", dir.resolve("d").toString());
        assertEquals(1, r.code(), r.out() + r.err());
        String[] lines = r.out().split("\n");
        assertEquals("PASS " + dir.resolve("d/a.pkt"), lines[0]);
        assertTrue(lines[1].startsWith("FAIL " + sub.resolve("b.pkt") + ": line 5 at t=0.000000: expected > S. 0:0(0) ack 9"), lines[1]);
        assertEquals("SKIP " + sub.resolve("c.pkt") + ": line 1: shell command 'reboot' cannot be emulated", lines[2]);
        assertEquals("1 passed, 1 failed, 1 skipped", lines[3]);
        assertEquals(4, lines.length);
    }

    @Test
    void passingScriptExitsZeroAndFlagsApply() throws Exception {
        Path f = dir.resolve("a.pkt");
        Files.writeString(f, GOOD);
        Run r = run("packetdrill", "--tolerance_usecs=10000", "--bind_port=9000", "-D", "X=1", f.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("PASS " + f + "\n1 passed, 0 failed, 0 skipped\n", r.out());
        Path pcaps = dir.resolve("caps");
        assertEquals(0, run("packetdrill", "--pcap", pcaps.toString(), f.toString()).code());
        assertTrue(Files.exists(pcaps.resolve(ScriptRunner.pcapName(f.toString()))));
    }

    @Test
    void defineSubstitutes() throws Exception {
        Path f = dir.resolve("a.pkt");
        Files.writeString(f, GOOD.replace("listen(3, 1)", "listen(3, BACKLOG)"));
        assertEquals(0, run("packetdrill", "-DBACKLOG=5", f.toString()).code());
    }

    @Test
    void badFlagsAreOneLineAndExitTwo() throws Exception {
        Path f = dir.resolve("a.pkt");
        Files.writeString(f, GOOD);
        for (String[] args : new String[][] {
            {"packetdrill", "--bogus", f.toString()},
            {"packetdrill", "--local_ip=not-an-ip", f.toString()},
            {"packetdrill", "--tolerance_percent=200", f.toString()},
            {"packetdrill", "--non_fatal=everything", f.toString()},
            {"packetdrill", dir.resolve("missing.pkt").toString()},
            {"packetdrill"},
        }) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("netstack4j: "), r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void kernelWithoutTheBinarySaysHowToGetIt() throws Exception {
        Path f = dir.resolve("a.pkt");
        Files.writeString(f, GOOD);
        if (KernelComparison.binary() != null) {
            System.out.println("SKIPPED CHECK: a packetdrill binary is on the PATH, so --kernel would run it");
            return;
        }
        Run r = run("packetdrill", "--kernel", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("https://github.com/google/packetdrill"), r.err());
    }
}
