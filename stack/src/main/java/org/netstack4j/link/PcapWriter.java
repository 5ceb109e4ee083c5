package org.netstack4j.link;

import io.netty.buffer.ByteBuf;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes Ethernet frames to a classic libpcap file (magic 0xa1b2c3d4, microsecond timestamps, link type 1)
 * that Wireshark and tcpdump open. Pure Java on purpose: the core must record captures in virtual time
 * without loading libpcap. Timestamps are the stack's clock in nanoseconds; in virtual time the capture
 * starts at the epoch.
 */
public final class PcapWriter implements AutoCloseable {
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAPLEN = 262_144;
    private final OutputStream out;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private long frames;

    /** Creates (or truncates) {@code file} and writes the global header. */
    public PcapWriter(Path file) throws IOException {
        this(Files.newOutputStream(file));
    }

    /** Writes the global header to {@code stream}, which this writer then owns. */
    public PcapWriter(OutputStream stream) throws IOException {
        this.out = new BufferedOutputStream(stream, 1 << 16);
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        out.write(h.array());
    }

    /** Appends one frame (its readable bytes) stamped {@code nanos}; the buffer is not consumed. */
    public synchronized void write(long nanos, ByteBuf frame) {
        int len = frame.readableBytes();
        int captured = Math.min(len, SNAPLEN);
        recordHeader.clear();
        recordHeader.putInt((int) (nanos / 1_000_000_000L)).putInt((int) (nanos % 1_000_000_000L / 1000))
                .putInt(captured).putInt(len);
        try {
            out.write(recordHeader.array());
            frame.getBytes(frame.readerIndex(), out, captured);
            frames++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frames written so far. */
    public synchronized long frames() {
        return frames;
    }

    /** Pushes buffered records to the file so that a reader sees them. */
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
