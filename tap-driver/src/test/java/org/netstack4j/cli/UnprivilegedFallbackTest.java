package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} as an unprivileged user (nobody) cannot create a TAP: it says so in one line, runs the demo
 * instead and leaves the demo's capture in its working directory.
 */
class UnprivilegedFallbackTest {
    @TempDir
    Path dir;

    @Test
    void runAsNobodyFallsBackToTheDemo() throws Exception {
        Privileges.assumeRoot();
        assumeTrue(SystemCommand.succeeds("setpriv", "--version"), "skipped: setpriv (util-linux) is not installed");
        assumeTrue(SystemCommand.succeeds("id", "nobody"), "skipped: there is no user nobody");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lib = Files.createDirectory(dir.resolve("lib"));
        String classPath = copyReadable(CliProcess.testClassPath(), lib);
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));

        String group = SystemCommand.succeeds("getent", "group", "nogroup") ? "nogroup" : "nobody";
        try (CliProcess cli = CliProcess.start(List.of("setpriv", "--reuid=nobody", "--regid=" + group,
                "--clear-groups", "--"), classPath, work, "run", "--tap", "ns4jnobody0", "--address", "10.77.0.2/24",
                "--peer-address", "10.77.0.1/24")) {
            assertEquals(0, cli.awaitExit(Duration.ofSeconds(120)), cli.describe());
            List<String> errLines = cli.err().lines().toList();
            assertEquals(1, errLines.size(), cli.describe());
            assertTrue(errLines.get(0).startsWith("netstack4j: cannot create a TAP device (not permitted"),
                    cli.describe());
            assertTrue(errLines.get(0).endsWith("running the in-memory demo instead"), cli.describe());
            assertTrue(cli.out().contains("4 of 4 echo replies received"), cli.describe());
        }
        Path pcap = work.resolve("netstack4j-demo.pcap");
        assertTrue(Files.isRegularFile(pcap), "no capture left in " + work);
        assertTrue(PcapFile.countFrames(pcap) > 10);
    }

    /** Copies class path entries where nobody can read them; returns the new class path. */
    private static String copyReadable(List<String> entries, Path lib) throws IOException {
        List<String> copied = new ArrayList<>();
        int n = 0;
        for (String entry : entries) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = lib.resolve((n++) + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (Stream<Path> walk = Files.walk(from)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path target = to.resolve(from.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(from, to);
            }
            copied.add(to.toString());
        }
        try (Stream<Path> walk = Files.walk(lib)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, copied);
    }
}
