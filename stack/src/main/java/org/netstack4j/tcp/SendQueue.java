package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.netstack4j.collect.LongRing;

/**
 * The sender's bytes from SND.UNA onwards: sent but unacknowledged, then not yet sent. Offsets are relative
 * to SND.UNA. Application data is copied in once (the application may reuse its array); segments copy out of
 * it when they are built, and acknowledged bytes are dropped from the front. It also remembers where each write
 * ended, so that a segment, sent or resent, carries PSH only if it ends a write (as Linux marks the last buffer of
 * a write with PSH, RFC 9293 3.9.1 "PUSH").
 */
public final class SendQueue {
    private final CompositeByteBuf data;
    private int limit;
    /** Where writes ended, counted in bytes ever queued, ascending; only those beyond the acknowledged front. */
    private final LongRing writeEnds = new LongRing(4);
    /** Bytes acknowledged and dropped so far. */
    private long dropped;

    /** A queue holding at most {@code limit} bytes (SO_SNDBUF). */
    public SendQueue(ByteBufAllocator alloc, int limit) {
        this.data = alloc.compositeBuffer(1024);
        this.limit = limit;
    }

    /** Bytes held (unacknowledged plus unsent). */
    public int size() {
        return data.readableBytes();
    }

    /** Room left before the queue is full. */
    public int free() {
        return Math.max(0, limit - size());
    }

    /** Changes the limit (SO_SNDBUF). */
    public void setLimit(int limit) {
        this.limit = limit;
    }

    /** The limit. */
    public int limit() {
        return limit;
    }

    /** Copies up to {@link #free()} bytes from {@code src} (array, offset, length); returns how many. */
    public int write(byte[] src, int off, int len, ByteBufAllocator alloc) {
        int n = Math.min(len, free());
        if (n > 0) {
            ByteBuf chunk = alloc.buffer(n);
            chunk.writeBytes(src, off, n);
            data.addComponent(true, chunk);
            writeEnds.addLast(dropped + size());
        }
        return n;
    }

    /** True if the byte {@code offset} bytes after SND.UNA is the end of a write (a segment ending there gets PSH). */
    public boolean endsWrite(int offset) {
        if (writeEnds.isEmpty()) {
            return false;
        }
        long at = dropped + offset;
        long last = writeEnds.last();
        if (at >= last) {
            return at == last; // the common case: new data up to the latest write
        }
        // A retransmission: the first write end at or after the segment's end, by binary search (ascending).
        int lo = 0;
        int hi = writeEnds.size() - 1; // writeEnds.get(hi) > at
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (writeEnds.get(mid) >= at) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return writeEnds.get(lo) == at;
    }

    /** Copies {@code len} bytes starting {@code offset} bytes after SND.UNA into {@code dst} at {@code index}. */
    public void copy(int offset, ByteBuf dst, int index, int len) {
        data.getBytes(data.readerIndex() + offset, dst, index, len);
    }

    /** Drops {@code n} acknowledged bytes from the front. */
    public void acknowledge(int n) {
        int skipped = Math.min(n, data.readableBytes());
        data.skipBytes(skipped);
        data.discardReadComponents();
        dropped += skipped;
        while (!writeEnds.isEmpty() && writeEnds.first() <= dropped) {
            writeEnds.removeFirst();
        }
    }

    /** Releases everything. */
    public void release() {
        writeEnds.clear();
        data.release();
    }
}
