package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Checks a classic little-endian pcap file and counts its records by walking the record headers. */
final class PcapFile {
    private static final byte[] MAGIC = {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1};

    private PcapFile() {
    }

    /** Asserts the magic and that every record is complete; returns the number of frames. */
    static int countFrames(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length >= 24, file + " is shorter than a pcap header");
        assertArrayEquals(MAGIC, Arrays.copyOf(bytes, 4), file + " does not start with the pcap magic");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = 24;
        int frames = 0;
        while (at < bytes.length) {
            assertTrue(at + 16 <= bytes.length, "truncated record header at byte " + at);
            int captured = b.getInt(at + 8);
            int original = b.getInt(at + 12);
            assertTrue(captured >= 14 && captured <= original, "bad record lengths at byte " + at);
            at += 16 + captured;
            assertTrue(at <= bytes.length, "truncated record data");
            frames++;
        }
        return frames;
    }
}
