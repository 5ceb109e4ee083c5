package org.netstack4j.device;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Skips (never silently passes) tests that need privileges or kernel features this machine lacks, saying which
 * one is missing.
 */
final class KernelAssumptions {

    private KernelAssumptions() {
    }

    /** Root, for network namespaces, veth pairs and promiscuous capture. */
    static void assumeRoot() {
        assumeTrue(effectiveUid() == 0,
                "skipped: not root (effective uid " + effectiveUid() + "); this test creates network namespaces");
        assumeTrue(Cmd.succeeds("ip", "-V"), "skipped: the ip command (iproute2) is not installed");
    }

    /** Root plus a usable /dev/net/tun. */
    static void assumeRootWithTun() {
        assumeRoot();
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "skipped: /dev/net/tun is missing");
    }

    private static long effectiveUid() {
        try {
            // "Uid:\treal\teffective\tsaved\tfs"
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .map(line -> Long.parseLong(line.split("\\s+")[2]))
                    .findFirst()
                    .orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }
}
