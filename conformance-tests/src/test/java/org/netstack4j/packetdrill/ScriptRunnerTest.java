package org.netstack4j.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's verdicts: scripts that are wrong FAIL with a message that says where and what. */
class ScriptRunnerTest {
    private static final String LISTEN = """
            0     socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0    bind(3, ..., ...) = 0
            +0    listen(3, 1) = 0
            +0    < S 0:0(0) win 65535 <mss 1460>
            """;
    private static final String ESTABLISHED = LISTEN + """
            +0    > S. 0:0(0) ack 1 <mss 1460>
            +.1   < . 1:1(0) ack 1 win 65535
            +0    accept(3, ..., ...) = 4
            """;

    @TempDir
    Path dir;

    private ScriptResult run(String text) throws Exception {
        Path f = dir.resolve("t.pkt");
        Files.writeString(f, text);
        return new ScriptRunner(RunnerConfig.defaults(), Map.of(), null).run(f, "t.pkt");
    }

    private ScriptResult fails(String text) throws Exception {
        ScriptResult r = run(text);
        assertEquals(ScriptResult.Status.FAIL, r.status(), r.line());
        return r;
    }

    @Test
    void correctScriptPasses() throws Exception {
        ScriptResult r = run(ESTABLISHED + "+0 close(4) = 0\n+0 > F. 1:1(0) ack 1\n");
        assertEquals("PASS t.pkt", r.line());
    }

    @Test
    void wrongOutboundFieldNamesExpectedActualLineAndTime() throws Exception {
        ScriptResult r = fails(LISTEN + "+0 > S. 0:0(0) ack 2 <mss 1460>\n");
        assertEquals("FAIL t.pkt: line 5 at t=0.000000: expected > S. 0:0(0) ack 2 <mss 1460> at t=0.000000, actual "
                + "> 8080>48879 S. 0:0(0) ack 1 win 65535 <mss 1460> at t=0.000000 (ack 1, expected 2)",
                r.line().replaceAll("win \\d+", "win 65535"));
    }

    @Test
    void wrongOptionsAndFlagsAreReported() throws Exception {
        assertTrue(fails(LISTEN + "+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>\n").detail()
                .contains("options <mss 1460>, expected <mss 1460,nop,wscale 7>"));
        assertTrue(fails(LISTEN + "+0 > S 0:0(0) ack 1 <mss 1460>\n").detail().contains("flags S., expected S"));
        assertTrue(fails(ESTABLISHED + "+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 1 win 1\n").detail()
                .matches(".*win \\d+, expected 1.*"));
    }

    @Test
    void wrongCallResultIsReported() throws Exception {
        ScriptResult r = fails(ESTABLISHED + "+0 < P. 1:1001(1000) ack 1 win 65535\n+0 read(4, ..., 2000) = 999\n");
        assertEquals("line 9 at t=0.100000: expected read(4, ..., 2000) = 999 but it returned 1000", r.detail());
        assertEquals("line 9 at t=0.100000: expected read(4, ..., 10) = 10 but it returned -1 EAGAIN (Resource temporarily unavailable)",
                fails(ESTABLISHED + "+0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 read(4, ..., 10) = 10\n").detail());
    }

    @Test
    void missingPacketIsReported() throws Exception {
        ScriptResult r = fails(ESTABLISHED + "+0 > . 1:1(0) ack 1001\n");
        assertTrue(r.detail().startsWith("line 8 at t=0.104000: expected > . 1:1(0) ack 1001 at t=0.100000, but no packet"),
                r.detail());
    }

    @Test
    void packetTooEarlyIsReported() throws Exception {
        ScriptResult r = fails(LISTEN + "+.5 > S. 0:0(0) ack 1 <mss 1460>\n");
        assertTrue(r.detail().contains("actual packet sent early at t=0.000000 (tolerance 62500 us)"), r.detail());
    }

    @Test
    void toleranceAcceptsSmallLateness() throws Exception {
        // The SYN-ACK leaves at once; written 3 ms later it is within the 4 ms tolerance, 5 ms is not.
        assertEquals(ScriptResult.Status.PASS, run(LISTEN + "+.003 > S. 0:0(0) ack 1 <mss 1460>\n").status());
        assertEquals(ScriptResult.Status.FAIL, run(LISTEN + "+.005 > S. 0:0(0) ack 1 <mss 1460>\n").status());
    }

    @Test
    void callThatShouldBlockButReturnsAtOnceFails() throws Exception {
        ScriptResult r = fails(LISTEN + "+0 > S. 0:0(0) ack 1 <mss 1460>\n+0 < . 1:1(0) ack 1 win 65535\n"
                + "+0...0.5 accept(3, ..., ...) = 4\n");
        assertTrue(r.detail().contains("to return at t=0.500000 (tolerance 62500 us), but it returned at t=0.000000"), r.detail());
    }

    @Test
    void callThatBlocksForeverFails() throws Exception {
        ScriptResult r = fails(ESTABLISHED + "+0 read(4, ..., 10) = 10\n");
        assertTrue(r.detail().contains("expected read(4, ..., 10) = 10 to return at t=0.100000, but it was still blocked"),
                r.detail());
    }

    @Test
    void segmentsAreMergedUpToTheScriptedLength() throws Exception {
        assertEquals(ScriptResult.Status.PASS, run(ESTABLISHED.replace("<mss 1460>\n+0    > S.", "<mss 1000>\n+0    > S.")
                + "+0 write(4, ..., 3000) = 3000\n+0 > P. 1:3001(3000) ack 1\n").status());
    }

    @Test
    void parseErrorIsFileAndLine() throws Exception {
        ScriptResult r = fails("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n\n+0 < S 0:0(0 win 1\n");
        assertEquals("FAIL t.pkt: " + dir.resolve("t.pkt") + ":3: expected ')' in the sequence range start:end(length) but found 'win 1'",
                r.line());
    }

    @Test
    void unsupportedThingsSkipNamingThem() throws Exception {
        assertEquals("SKIP t.pkt: line 1: sysctl net.ipv4.tcp_fastopen=1 needs a feature the stack does not have",
                run("`sysctl -q net.ipv4.tcp_fastopen=1`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n").line());
        assertEquals("SKIP t.pkt: line 2: shell command 'reboot' cannot be emulated",
                run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 `reboot`\n").line());
        assertEquals("SKIP t.pkt: system call epoll_create() is not supported by the runner",
                run("0 epoll_create(1) = 3\n").line());
        assertEquals("SKIP t.pkt: --ip_version=ipv6 (the stack is IPv4 only)", run("--ip_version=ipv6\n0 close(3) = -1\n").line());
        assertEquals(ScriptResult.Status.PASS,
                run("`tc qdisc add dev tun0 root netem delay 10ms; sysctl -w net.ipv4.tcp_timestamps=0`\n"
                        + "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n").status());
    }

    @Test
    void sysctlsChangeTheStack() throws Exception {
        String script = """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0...3 connect(3, ..., ...) = -1 ETIMEDOUT (Connection timed out)
                +0 > S 0:0(0) <...>
                +1 > S 0:0(0) <...>
                """;
        assertEquals(ScriptResult.Status.PASS, run("`sysctl -q net.ipv4.tcp_syn_retries=1`\n" + script).status());
        // Sysctls in a helper script the command runs count too.
        Files.writeString(dir.resolve("defaults.sh"), "#!/bin/sh\nsysctl -q net.ipv4.tcp_syn_retries=1\n");
        assertEquals(ScriptResult.Status.PASS, run("`./defaults.sh`\n" + script).status());
        // With Linux's default of 6 retries the connect is still waiting at 3 s.
        assertEquals(ScriptResult.Status.FAIL, run(script).status());
    }

    @Test
    void robustnessSysctlsChangeTheStack() throws Exception {
        String script = """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0...3 connect(3, ..., ...) = -1 ETIMEDOUT (Connection timed out)
                +0 > SEW 0:0(0) <...>
                +1 > S 0:0(0) <...>
                """;
        // tcp_ecn=1: the first SYN asks for ECN (RFC 3168 6.1.1), the retransmission falls back to a plain SYN.
        assertEquals(ScriptResult.Status.PASS,
                run("`sysctl -q net.ipv4.tcp_syn_retries=1; sysctl -q net.ipv4.tcp_ecn=1`\n" + script).status());
        // Linux's default tcp_ecn=2 does not ask.
        assertEquals(ScriptResult.Status.FAIL, run("`sysctl -q net.ipv4.tcp_syn_retries=1`\n" + script).status());
        assertEquals("SKIP t.pkt: line 1: sysctl net.ipv4.tcp_ecn=7: tcp_ecn must be 0, 1 or 2: 7",
                run("`sysctl -q net.ipv4.tcp_ecn=7`\n" + script).line());
    }

    @Test
    void pythonBlocksSeeTheSnapshot() throws Exception {
        String pass = ESTABLISHED + "+0 %{ assert tcpi_snd_mss == 1460, tcpi_snd_mss }%\n";
        String fail = ESTABLISHED + "+0 %{\nassert tcpi_snd_mss == 536, tcpi_snd_mss\n}%\n";
        if (PythonAssertions.python3() == null) {
            assertEquals(ScriptResult.Status.SKIP, run(pass).status());
            return;
        }
        assertEquals(ScriptResult.Status.PASS, run(pass).status(), run(pass).line());
        assertEquals("line 8: %{ }% assertion failed: 1460", run(fail).detail());
        assertTrue(run(ESTABLISHED + "+0 %{ assert tcpi_no_such_field == 0 }%\n").line()
                .startsWith("SKIP t.pkt: line 8: %{ }% uses tcpi_no_such_field"));
    }

    @Test
    void nonFatalPacketErrorsOnlyWarn() throws Exception {
        Path f = dir.resolve("w.pkt");
        Files.writeString(f, LISTEN + "+0 > S. 0:0(0) ack 1 win 1 <mss 1460>\n");
        ScriptResult r = new ScriptRunner(RunnerConfig.defaults().with("non_fatal", "packet"), Map.of(), null).run(f, "w.pkt");
        assertEquals(ScriptResult.Status.PASS, r.status());
        assertEquals(1, r.warnings().size());
    }

    @Test
    void pcapIsWritten() throws Exception {
        Path f = dir.resolve("p.pkt");
        Files.writeString(f, LISTEN + "+0 > S. 0:0(0) ack 1 <mss 1460>\n");
        Path pcaps = dir.resolve("pcaps");
        assertEquals(ScriptResult.Status.PASS,
                new ScriptRunner(RunnerConfig.defaults(), Map.of(), pcaps).run(f, "sub/p.pkt").status());
        Path pcap = pcaps.resolve("sub_p.pcap");
        // global header 24 bytes, then the SYN (14+20+24 bytes) and SYN-ACK with a 16-byte record header each
        assertTrue(Files.size(pcap) > 24 + 2 * (16 + 58), "pcap size " + Files.size(pcap));
    }
}
