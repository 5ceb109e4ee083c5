package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PcapFileDevice replays a hand-written capture byte for byte, in order, with its timestamps. */
class PcapFileDeviceTest {

    @TempDir
    Path dir;

    @Test
    void replaysEveryFrameInOrderWithTimestamps() throws Exception {
        List<PcapFileWriter.Record> records = List.of(
                new PcapFileWriter.Record(Instant.parse("2024-05-01T10:00:00.000001Z"), frame(60, 1)),
                new PcapFileWriter.Record(Instant.parse("2024-05-01T10:00:00.250000Z"), frame(1514, 2)),
                new PcapFileWriter.Record(Instant.parse("2024-05-01T10:00:01.999999Z"), frame(98, 3)));
        Path file = dir.resolve("three.pcap");
        PcapFileWriter.write(file, records);

        FrameQueue frames = new FrameQueue();
        try (PcapFileDevice device = PcapFileDevice.open(file, 1500)) {
            assertEquals("three.pcap", device.name());
            device.start(frames);
            assertEquals(3, device.awaitReplayed(Duration.ofSeconds(5)));
            assertEquals(records.stream().map(PcapFileWriter.Record::time).toList(), device.timestamps());

            ByteBuf reply = ArpFrames.request(new byte[6], new byte[4], new byte[4]);
            device.transmit(reply);
            assertEquals(0, reply.refCnt());
            assertEquals(1, device.counters().framesSent());
        }
        List<byte[]> seen = frames.seen();
        assertEquals(3, seen.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(records.get(i).frame(), seen.get(i), "frame " + i);
        }
        assertNull(frames.contractViolation());
    }

    @Test
    void notAPcapFileGivesOneLineError() throws Exception {
        Path file = dir.resolve("junk.pcap");
        Files.writeString(file, "this is not a capture file at all");
        DeviceException e = assertThrows(DeviceException.class, () -> PcapFileDevice.open(file, 1500));
        assertTrue(e.getMessage().startsWith("cannot read capture " + file + ": "), e.getMessage());
    }

    @Test
    void closeBeforeStartReleasesTheFile() throws Exception {
        Path file = dir.resolve("one.pcap");
        PcapFileWriter.write(file, List.of(new PcapFileWriter.Record(Instant.EPOCH, frame(60, 9))));
        PcapFileDevice device = PcapFileDevice.open(file, 1500);
        device.close();
        device.close();
        assertThrows(IllegalStateException.class, () -> device.start(new FrameQueue()));
    }

    /** A frame of {@code length} bytes whose content depends on {@code seed}, so frames cannot be confused. */
    private static byte[] frame(int length, int seed) {
        byte[] frame = new byte[length];
        IntStream.range(0, length).forEach(i -> frame[i] = (byte) (i * 31 + seed));
        return frame;
    }

}
