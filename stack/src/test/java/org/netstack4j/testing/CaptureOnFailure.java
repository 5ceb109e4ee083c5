package org.netstack4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.netstack4j.link.PcapWriter;

/**
 * Records a test's frames in memory and, if the test fails, writes them to
 * {@code target/test-pcaps/<class>.<method>.pcap} for Wireshark. Register with {@code @RegisterExtension}
 * and hand {@link #writer()} to the fixture.
 */
public final class CaptureOnFailure implements TestWatcher {
    private ByteArrayOutputStream bytes;
    private PcapWriter writer;

    /** A fresh in-memory capture for the current test. */
    public PcapWriter writer() {
        try {
            bytes = new ByteArrayOutputStream();
            writer = new PcapWriter(bytes);
            return writer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (writer == null) {
            return;
        }
        try {
            writer.flush();
            Path dir = Path.of("target", "test-pcaps");
            Files.createDirectories(dir);
            Path file = dir.resolve(context.getRequiredTestClass().getSimpleName() + "."
                    + context.getRequiredTestMethod().getName() + ".pcap");
            Files.write(file, bytes.toByteArray());
            System.err.println("capture of the failed test: " + file.toAbsolutePath());
        } catch (IOException e) {
            System.err.println("could not write the capture: " + e.getMessage());
        }
    }
}
