package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A capture the demo recorded, replayed into a fresh stack with A's address and MAC. */
class ReplayCommandTest {
    @TempDir
    Path dir;

    @Test
    void replayedDemoCaptureGivesAsManyInFramesAsTheFileHolds() throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        CliResult demo = CliResult.execute("demo", "--pcap", pcap.toString());
        assertEquals(ExitCodes.OK, demo.exitCode(), demo.describe());
        int frames = PcapFile.countFrames(pcap);

        CliResult r = CliResult.execute("replay", pcap.toString(), "--address", "10.0.0.1/24");
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        assertTrue(r.out().contains("replayed " + frames + " frames"), r.describe());
        assertTrue(r.out().contains("Link: InFrames=" + frames + " "), r.describe());
        // Every echo reply B sent to A is in the capture, and the fresh stack has A's MAC: it takes them.
        assertTrue(r.out().contains("InEchoReps=4"), r.describe());
    }

    @Test
    void aFileThatIsNotACaptureIsOneLineError() throws Exception {
        Path junk = dir.resolve("junk.pcap");
        java.nio.file.Files.writeString(junk, "this is not a capture");
        CliResult r = CliResult.execute("replay", junk.toString(), "--address", "10.0.0.1/24");
        r.assertOneLineError();
    }
}
