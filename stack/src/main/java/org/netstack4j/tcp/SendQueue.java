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
    /** The bytes, in chunks we allocate and fill: written at the tail, dropped from the front when acknowledged. */
    private final ByteRangeQueue data = new ByteRangeQueue(4);
    /** The last chunk, while it has room for the next write; null when none. */
    private ByteBuf tail;
    private int limit;
    /** Where writes ended, counted in bytes ever queued, ascending; only those beyond the acknowledged front. */
    private final LongRing writeEnds = new LongRing(4);
    /** Largest room a chunk is given beyond its write (a chunk for a larger write is as large as the write). */
    private static final int MIN_CHUNK = 16 * 1024;
    /** Bytes acknowledged and dropped so far. */
    private long dropped;

    /** A queue holding at most {@code limit} bytes (SO_SNDBUF). */
    public SendQueue(int limit) {
        this.limit = limit;
    }

    /** Bytes held (unacknowledged plus unsent). */
    public int size() {
        return data.readable();
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
        if (n <= 0) {
            return 0;
        }
        int done = 0;
        if (tail != null && tail.isWritable()) {
            done = Math.min(n, tail.writableBytes());
            tail.writeBytes(src, off, done);
            data.extendLast(done);
        }
        if (done < n) {
            // Room for a few more writes of this size, up to MIN_CHUNK, so that a stream of writes shares a few
            // chunks, while a lone small write does not pin a large buffer until it is acknowledged.
            int rest = n - done;
            ByteBuf chunk = alloc.buffer(Math.max(rest, Math.min(Math.min(MIN_CHUNK, limit), 4 * rest)));
            chunk.writeBytes(src, off + done, rest);
            data.add(chunk, 0, rest);
            tail = chunk;
        }
        writeEnds.addLast(dropped + size());
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
        data.copy(offset, dst, index, len);
    }

    /**
     * Appends the {@code len} bytes starting {@code offset} bytes after SND.UNA to {@code dst} as slices of the
     * queue's chunks, without copying, if they span at most {@code maxPieces} chunks; else false, adding nothing.
     */
    public boolean slices(int offset, int len, CompositeByteBuf dst, int maxPieces) {
        return data.slices(offset, len, dst, maxPieces);
    }

    /** Drops {@code n} acknowledged bytes from the front. */
    public void acknowledge(int n) {
        int skipped = data.skip(n);
        if (data.pieces() == 0) {
            tail = null; // released with the last piece
        }
        dropped += skipped;
        while (!writeEnds.isEmpty() && writeEnds.first() <= dropped) {
            writeEnds.removeFirst();
        }
    }

    /** Releases everything. */
    public void release() {
        writeEnds.clear();
        data.clear();
        tail = null;
    }
}
