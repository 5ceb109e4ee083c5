package org.netstack4j.interop.container;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The peer image: FROM scratch with the host's static busybox and its applets linked into /bin (sh, nc, wget,
 * httpd, ping, tftp, netstat, ...), since no registry is reachable to pull a base image. Built once per test
 * run under a name of its own and removed by {@link #close()}.
 */
final class BusyboxImage implements AutoCloseable {

    private static final String DOCKERFILE = """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            RUN mkdir -p /tmp /www && chmod 1777 /tmp
            LABEL %s=%s %s=%s
            """.formatted(Leftovers.KIND, Leftovers.PEER, Leftovers.PID, ProcessHandle.current().pid());

    private final String name;

    private BusyboxImage(String name) {
        this.name = name;
    }

    /**
     * Builds the image (about 2 s); it exists until {@link #close()}. First removes what killed earlier runs
     * left behind ({@link Leftovers}).
     */
    static BusyboxImage build() {
        int orphans = Leftovers.removeOrphans();
        if (orphans > 0) {
            System.out.println("[container interop tests] removed " + orphans + " objects left by earlier runs");
        }
        String name = "netstack4j-busybox-peer:" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        BusyboxImage image = new BusyboxImage(name);
        try {
            // deleteOnExit false: Testcontainers would leave that to Ryuk, which is disabled; close() removes it.
            new ImageFromDockerfile(name, false)
                    .withFileFromPath("busybox", ContainerEngine.BUSYBOX)
                    .withFileFromString("Dockerfile", DOCKERFILE)
                    .get();
            return image;
        } catch (RuntimeException | Error e) {
            try {
                image.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } catch (Exception e) {
            image.close();
            throw new IllegalStateException("cannot build the busybox peer image " + name + ": " + e, e);
        }
    }

    /** The image's name and tag, for starting containers. */
    String name() {
        return name;
    }

    /** Removes the image if it exists. */
    @Override
    public void close() {
        var client = DockerClientFactory.lazyClient();
        if (!client.listImagesCmd().withReferenceFilter(name).exec().isEmpty()) {
            client.removeImageCmd(name).withForce(true).exec();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
