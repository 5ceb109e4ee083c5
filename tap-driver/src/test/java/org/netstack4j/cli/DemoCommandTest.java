package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded demo: what it narrates, the counters and the capture it leaves. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void pingsExchangesDatagramsAndWritesACapture() throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        CliResult r = CliResult.execute("demo", "--pcap", pcap.toString());
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        assertEquals("", r.err(), r.describe());
        assertEquals(4, r.out().lines().filter(l -> l.contains("reply from 10.0.0.2:")).count(), r.describe());
        assertTrue(r.out().contains("4 of 4 echo replies received"), r.describe());
        assertEquals(3, r.out().lines().filter(l -> l.contains("A receives \"HELLO")).count(), r.describe());
        assertTrue(r.out().contains("ECONNREFUSED"), r.describe());
        assertTrue(r.out().contains("[  0.000 ms] A pings B with 0 data bytes"), r.describe());
        assertTrue(r.out().contains("counters of A (10.0.0.1):"), r.describe());
        assertTrue(r.out().contains("counters of B (10.0.0.2):"), r.describe());
        assertTrue(r.out().contains("InEchoReps=4"), r.describe());
        assertTrue(r.out().contains("wireshark " + pcap.toAbsolutePath()), r.describe());
        assertTrue(r.out().contains("tcpdump -nr " + pcap.toAbsolutePath()), r.describe());
        assertTrue(Files.exists(pcap));
        int frames = PcapFile.countFrames(pcap);
        assertTrue(frames > 10, frames + " frames");
        assertTrue(r.out().contains("(" + frames + " frames"), r.describe());
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        String pcap = dir.resolve("same.pcap").toString();
        CliResult first = CliResult.execute("demo", "--pcap", pcap, "--seed", "7", "--loss", "0.2");
        CliResult second = CliResult.execute("demo", "--pcap", pcap, "--seed", "7", "--loss", "0.2");
        assertEquals(ExitCodes.OK, first.exitCode(), first.describe());
        assertEquals(first.out(), second.out());
    }

    @Test
    void heavyLossStillEndsAndSaysWhatWasLost() throws Exception {
        Path pcap = dir.resolve("lossy.pcap");
        CliResult r = CliResult.execute("demo", "--pcap", pcap.toString(), "--seed", "3", "--loss", "0.6");
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        assertTrue(r.out().contains("lost"), r.describe());
        PcapFile.countFrames(pcap);
    }

    @Test
    void anUnwritableCaptureIsOneLineError() {
        CliResult r = CliResult.execute("demo", "--pcap", dir.resolve("no/such/dir/x.pcap").toString());
        r.assertOneLineError();
    }
}
