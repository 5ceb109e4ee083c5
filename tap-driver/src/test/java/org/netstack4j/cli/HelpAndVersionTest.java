package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Usage and version output. */
class HelpAndVersionTest {

    @Test
    void noArgumentsPrintsUsage() {
        CliResult r = CliResult.execute();
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        assertTrue(r.out().contains("Usage: netstack4j"), r.describe());
        assertTrue(r.out().contains("run") && r.out().contains("demo") && r.out().contains("replay"), r.describe());
        assertEquals("", r.err());
    }

    @Test
    void helpPrintsUsage() {
        CliResult r = CliResult.execute("--help");
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        assertTrue(r.out().contains("Usage: netstack4j"), r.describe());
    }

    @Test
    void runHelpListsEveryOption() {
        CliResult r = CliResult.execute("run", "--help");
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        for (String option : new String[] {"--tap", "--address", "--peer-address", "--netns", "--mtu", "--pcap",
                "--services", "--gateway", "--mac"}) {
            assertTrue(r.out().contains(option), option + " missing from\n" + r.describe());
        }
    }

    @Test
    void versionPrintsTheVersion() {
        CliResult r = CliResult.execute("--version");
        assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
        assertTrue(r.out().startsWith("netstack4j "), r.describe());
    }
}
