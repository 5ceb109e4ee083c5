package org.netstack4j.interop.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.netstack4j.interop.Sh;
import org.testcontainers.DockerClientFactory;

/**
 * Whether container peers can run here, and if not, why: a one-line reason for the skip message. Checked once
 * per test JVM. Needs the environment Testcontainers must have on these machines, the static busybox the
 * image is made of, the docker command (tests run commands in containers with {@code docker exec}) and an
 * engine that answers on this host (the TAP joins the engine's bridge, so the engine cannot be remote).
 */
final class ContainerEngine {

    /** Where Debian's busybox-static puts the binary the image is built from. */
    static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    private static Optional<String> verdict;

    private ContainerEngine() {
    }

    /** Empty when container peers can run, else why not. */
    static synchronized Optional<String> unavailableReason() {
        if (verdict == null) {
            verdict = check();
        }
        return verdict;
    }

    private static Optional<String> check() {
        // Testcontainers reads both only from the environment (not from ~/.testcontainers.properties, as tried
        // here); the Maven build and .ci/run set them. A JVM cannot set its own environment.
        if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            return Optional.of("environment variable TESTCONTAINERS_RYUK_DISABLED is not 'true' (it is "
                    + quoted(System.getenv("TESTCONTAINERS_RYUK_DISABLED")) + "): Testcontainers would try to pull "
                    + "its Ryuk image and no registry is reachable; run through Maven or .ci/run, or export it");
        }
        if (System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null) {
            return Optional.of("environment variable TESTCONTAINERS_HOST_OVERRIDE is not set: Testcontainers would "
                    + "try to pull an alpine image to find the engine's address; export it as 'localhost'");
        }
        Optional<String> busybox = staticBusyboxProblem();
        if (busybox.isPresent()) {
            return busybox;
        }
        if (!Sh.succeeds("docker", "--version")) {
            return Optional.of("the docker command is not installed (apt-get install docker.io)");
        }
        boolean answers;
        try {
            answers = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            answers = false;
        }
        if (!answers) {
            return Optional.of("no Docker engine answers (start dockerd; .ci/run does)");
        }
        String host = String.valueOf(DockerClientFactory.instance().getTransportConfig().getDockerHost());
        if (!host.startsWith("unix:")) {
            return Optional.of("the Docker engine at " + host + " is not on this host's unix socket: the stack's "
                    + "TAP must join the container network's bridge, which only a local engine has");
        }
        return Optional.empty();
    }

    private static String quoted(String s) {
        return s == null ? "unset" : "'" + s + "'";
    }

    /**
     * The image is FROM scratch: only a statically linked busybox runs there. An ELF program header of type
     * PT_INTERP (3) names the dynamic loader, so a binary without one is static.
     */
    private static Optional<String> staticBusyboxProblem() {
        byte[] elf;
        try {
            elf = Files.readAllBytes(BUSYBOX);
        } catch (IOException e) {
            return Optional.of(BUSYBOX + " is missing (apt-get install busybox-static)");
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2) {
            return Optional.of(BUSYBOX + " is not a 64-bit ELF binary");
        }
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            if (at + 4 <= elf.length && b.getInt((int) at) == 3) {
                return Optional.of(BUSYBOX + " is dynamically linked and cannot run in an image FROM scratch "
                        + "(apt-get install busybox-static)");
            }
        }
        return Optional.empty();
    }
}
