package org.netstack4j.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes a classic microsecond pcap file by hand, independently of libpcap, so that the replay test checks
 * PcapFileDevice against the file format rather than against libpcap's own writer.
 */
final class PcapFileWriter {

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int LINKTYPE_ETHERNET = 1;

    private PcapFileWriter() {
    }

    /** One captured frame and when it was captured (microsecond precision is kept). */
    record Record(Instant time, byte[] frame) {
    }

    static void write(Path file, List<Record> records) throws IOException {
        int size = 24 + records.stream().mapToInt(r -> 16 + r.frame().length).sum();
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4);
        out.putInt(0).putInt(0);            // this zone, sigfigs
        out.putInt(65535).putInt(LINKTYPE_ETHERNET);
        for (Record r : records) {
            out.putInt((int) r.time().getEpochSecond()).putInt(r.time().getNano() / 1000);
            out.putInt(r.frame().length).putInt(r.frame().length);
            out.put(r.frame());
        }
        Files.write(file, out.array());
    }
}
