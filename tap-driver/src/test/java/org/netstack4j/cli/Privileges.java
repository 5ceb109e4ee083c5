package org.netstack4j.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skips, with the reason, tests that need root, the ip command or a TAP-capable kernel. */
final class Privileges {
    private Privileges() {
    }

    static long effectiveUid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .map(l -> Long.parseLong(l.split("\\s+")[2]))
                    .findFirst().orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Root and iproute2, for namespaces. */
    static void assumeRoot() {
        assumeTrue(effectiveUid() == 0, "skipped: not root (euid " + effectiveUid() + "); this test creates network"
                + " namespaces");
        assumeTrue(SystemCommand.succeeds("ip", "-V"), "skipped: the ip command (iproute2) is not installed");
    }

    /** Root plus /dev/net/tun. */
    static void assumeRootWithTun() {
        assumeRoot();
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "skipped: /dev/net/tun is missing");
    }
}
