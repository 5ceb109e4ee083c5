package org.netstack4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Named network namespaces as {@code ip netns} manages them (bind mounts under {@code /run/netns}). */
public final class Namespaces {
    private static final Path RUN_DIR = Path.of("/run/netns");

    private Namespaces() {
    }

    /** Whether the named namespace exists. */
    public static boolean exists(String name) {
        return Files.exists(RUN_DIR.resolve(name));
    }

    /** Creates it ({@code ip netns add}); fails if it cannot. */
    public static void create(String name) {
        SystemCommand.run("ip", "netns", "add", name);
    }

    /** Deletes it ({@code ip netns del}), which also deletes the virtual interfaces still inside. */
    public static void delete(String name) {
        SystemCommand.run("ip", "netns", "del", name);
    }
}
