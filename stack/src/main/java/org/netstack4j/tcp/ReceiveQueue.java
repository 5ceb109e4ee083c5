package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;
import java.util.TreeMap;
import org.netstack4j.stack.BufferFootprint;

/**
 * The receiver's bytes: in-order data waiting for the application, and out-of-order segments kept until the
 * hole before them fills (RFC 9293 section 3.10.7.4, "seventh"). Payloads are retained slices of the frames
 * they arrived in, not copies. Out-of-order data is bounded by the receive window the caller enforces;
 * overlapping and duplicate bytes are trimmed so each byte is stored once.
 *
 * <p>Memory is bounded as well as bytes (Linux's truesize accounting, tcp_collapse and tcp_data_queue_ofo): a
 * payload that would keep a buffer much larger than itself alive ({@link BufferFootprint}) is copied instead, in
 * order into a small buffer of the queue's own that later such payloads fill up, out of order into one of its size;
 * and an out-of-order segment that would take the queue past {@link #memoryLimit()} is dropped (the peer sends it
 * again). So one-byte segments, or small frames read into 64 KiB buffers, cannot make a connection pin far more
 * than twice its receive buffer.
 */
public final class ReceiveQueue {
    /** In-order bytes: pieces of the frames they arrived in, each holding a reference to its frame. */
    private final ByteRangeQueue ready = new ByteRangeQueue(4);
    /** Out-of-order segments keyed by sequence number, compared wrap-safely. */
    private final TreeMap<Integer, ByteBuf> outOfOrder = new TreeMap<>((a, b) -> Integer.compare(a - b, 0));
    private int outOfOrderBytes;
    private int limit;
    /**
     * The contiguous runs of out-of-order data, left edge to right edge: the SACK blocks (RFC 2018 3), kept merged
     * so that finding a block costs one search of a few runs however many segments it was built from.
     */
    private final SeqRanges runs = new SeqRanges();
    /** Sequence numbers of recent out-of-order arrivals, newest first, to order SACK blocks (RFC 2018 4). */
    private final RecentArrivals recent = new RecentArrivals();
    /** {@link #heldOverlap} found nothing. */
    public static final long NO_OVERLAP = Long.MIN_VALUE;
    /** Memory the queue may hold per byte of receive buffer (Linux: tcp_adv_win_scale 1 offers half of it). */
    static final int MEMORY_PER_BUFFER_BYTE = 2;
    /** Memory allowed beyond that, so that a tiny buffer still holds a few segments of a 64 KiB frame. */
    static final int MEMORY_SLACK = 64 * 1024;
    /** A payload is kept in its own buffer only if that buffer costs at most twice the payload and this. */
    static final int KEEP_ALLOWANCE = 2 * BufferFootprint.PER_BUFFER;
    /** Size of the queue's own buffers that small in-order payloads are copied into. */
    static final int COALESCE_CHUNK = 4096;

    private final ByteBufAllocator alloc;
    /** The queue's own buffer small in-order payloads go into (one reference is ours), or null. */
    private ByteBuf coalesce;
    /** Memory the out-of-order segments keep alive. */
    private long outOfOrderFootprint;
    /** Out-of-order segments dropped because the queue was at {@link #memoryLimit()}; read and reset by the caller. */
    private int memoryDrops;

    /** A queue for a receive buffer of {@code limit} bytes (SO_RCVBUF) that copies into buffers from {@code alloc}. */
    public ReceiveQueue(int limit, ByteBufAllocator alloc) {
        this.limit = limit;
        this.alloc = alloc;
    }

    /** In-order bytes the application may read. */
    public int readable() {
        return ready.readable();
    }

    /** Bytes held out of order. */
    public int outOfOrderBytes() {
        return outOfOrderBytes;
    }

    /** Out-of-order segments held. */
    public int outOfOrderSegments() {
        return outOfOrder.size();
    }

    /** The buffer size (SO_RCVBUF). */
    public int limit() {
        return limit;
    }

    /** Changes the buffer size. */
    public void setLimit(int limit) {
        this.limit = limit;
    }

    /** Memory the held data keeps alive, in order and out of order ({@link BufferFootprint}). */
    public long footprint() {
        return ready.footprint() + outOfOrderFootprint;
    }

    /** The most memory the queue holds before it drops out-of-order segments: twice the buffer and some slack. */
    public long memoryLimit() {
        return (long) limit * MEMORY_PER_BUFFER_BYTE + MEMORY_SLACK;
    }

    /** Pieces the in-order bytes are kept in. */
    int readyPieces() {
        return ready.pieces();
    }

    /** Out-of-order segments dropped for memory since the last call (Linux counts them as TCPOFODrop). */
    public int takeMemoryDrops() {
        int n = memoryDrops;
        memoryDrops = 0;
        return n;
    }

    /** Free space: what the advertised window may offer. */
    public int free() {
        return Math.max(0, limit - readable() - outOfOrderBytes);
    }

    /**
     * Takes the segment data {@code [seq, seq + len)} found at {@code index} of {@code buf} when RCV.NXT is
     * {@code rcvNxt}; the caller has trimmed it to the window. Returns the new RCV.NXT.
     */
    public int add(int rcvNxt, int seq, ByteBuf buf, int index, int len) {
        if (len <= 0) {
            return rcvNxt;
        }
        // Trim what we already have in order.
        if (SeqNum.lt(seq, rcvNxt)) {
            int skip = rcvNxt - seq;
            if (skip >= len) {
                return rcvNxt;
            }
            seq += skip;
            index += skip;
            len -= skip;
        }
        if (seq == rcvNxt) {
            appendInOrder(buf, index, len);
            rcvNxt += len;
            return drainInOrder(rcvNxt);
        }
        if (storeOutOfOrder(seq, buf, index, len)) {
            runs.add(seq, seq + len);
            recent.arrived(seq);
        }
        return rcvNxt;
    }

    /** True when keeping {@code len} bytes of {@code buf} would keep much more memory than that alive. */
    private static boolean wasteful(ByteBuf buf, int len) {
        return BufferFootprint.of(buf) > 2L * len + KEEP_ALLOWANCE;
    }

    /** Adds in-order bytes: a reference to their buffer, or a copy at the end of the queue's own small buffer. */
    private void appendInOrder(ByteBuf buf, int index, int len) {
        if (!wasteful(buf, len)) {
            ready.add(buf.retain(), index, len);
            return;
        }
        ByteBuf c = coalesce;
        if (c != null && ready.lastBuffer() == c && ready.lastEnd() == c.writerIndex() && c.writableBytes() >= len) {
            c.writeBytes(buf, index, len);
            ready.extendLast(len);
            return;
        }
        if (c != null) {
            c.release();
        }
        c = alloc.directBuffer(Math.max(len, COALESCE_CHUNK));
        c.writeBytes(buf, index, len);
        coalesce = c;
        ready.add(c.retain(), 0, len);
    }

    /** The piece of an out-of-order segment to hold: a slice of its frame, or a copy if that would pin more. */
    private ByteBuf outOfOrderPiece(ByteBuf buf, int index, int len) {
        if (!wasteful(buf, len)) {
            return buf.retainedSlice(index, len);
        }
        ByteBuf copy = alloc.directBuffer(len);
        copy.writeBytes(buf, index, len);
        return copy;
    }

    /**
     * The first part of {@code [seq, end)} already held out of order, packed as {@code left << 32 | right}
     * (unsigned halves), or {@link #NO_OVERLAP}: the duplicate a D-SACK reports (RFC 2883 4.1.3).
     */
    public long heldOverlap(int seq, int end) {
        if (outOfOrder.isEmpty()) {
            return NO_OVERLAP; // the common case, answered without boxing a key
        }
        Map.Entry<Integer, ByteBuf> e = outOfOrder.floorEntry(seq);
        if (e == null || SeqNum.leq(e.getKey() + e.getValue().readableBytes(), seq)) {
            e = outOfOrder.higherEntry(seq);
            if (e == null || SeqNum.geq(e.getKey(), end)) {
                return NO_OVERLAP;
            }
        }
        int left = SeqNum.max(seq, e.getKey());
        int right = SeqNum.min(end, e.getKey() + e.getValue().readableBytes());
        // Adjacent stored pieces continue the overlap.
        Map.Entry<Integer, ByteBuf> next = outOfOrder.higherEntry(e.getKey());
        while (next != null && next.getKey() == right && SeqNum.lt(right, end)) {
            right = SeqNum.min(end, next.getKey() + next.getValue().readableBytes());
            next = outOfOrder.higherEntry(next.getKey());
        }
        return (long) left << 32 | (right & 0xFFFF_FFFFL);
    }

    /** Sequence number of the latest out-of-order arrival, or of the first held byte; any value when none. */
    int mostRecentSeq() {
        return recent.isEmpty() ? (runs.isEmpty() ? 0 : runs.left(0)) : recent.get(0);
    }

    /**
     * Appends to {@code left}/{@code right} from index {@code n} the distinct blocks of contiguous out-of-order
     * data, up to {@code max} in all: the one holding {@code first}, then those of recent arrivals newest first,
     * then the rest in sequence order (RFC 2018 4: as many as fit). Returns the new count.
     */
    int sackBlocks(int rcvNxt, int first, int[] left, int[] right, int n, int max) {
        if (runs.isEmpty()) {
            return n; // nothing held out of order: no iterators to allocate
        }
        int start = n;
        n = addBlock(rcvNxt, first, left, right, start, n, max);
        for (int i = 0; i < recent.size(); i++) {
            n = addBlock(rcvNxt, recent.get(i), left, right, start, n, max);
        }
        for (int i = 0; i < runs.size() && n < max; i++) {
            n = addBlock(rcvNxt, runs.left(i), left, right, start, n, max);
        }
        return n;
    }

    private int addBlock(int rcvNxt, int seq, int[] left, int[] right, int start, int n, int max) {
        if (n >= max || SeqNum.lt(seq, rcvNxt)) {
            return n;
        }
        int run = runs.find(seq);
        if (run < 0) {
            return n;
        }
        for (int i = start; i < n; i++) {
            if (left[i] == runs.left(run)) {
                return n;
            }
        }
        left[n] = runs.left(run);
        right[n] = runs.right(run);
        return n + 1;
    }

    /** Holds what is new of an out-of-order segment; false if it was dropped for memory. */
    private boolean storeOutOfOrder(int seq, ByteBuf buf, int index, int len) {
        if (footprint() + Math.min(BufferFootprint.of(buf), 2L * len + KEEP_ALLOWANCE) > memoryLimit()) {
            // Linux tcp_data_queue_ofo: no memory for it (after collapsing), so it is dropped unacknowledged and
            // unSACKed; the sender's retransmission brings it back once the application has read.
            memoryDrops++;
            return false;
        }
        int end = seq + len;
        // Cut the front against an earlier segment that overlaps it.
        Map.Entry<Integer, ByteBuf> before = outOfOrder.floorEntry(seq);
        if (before != null) {
            int beforeEnd = before.getKey() + before.getValue().readableBytes();
            if (SeqNum.geq(beforeEnd, end)) {
                return true;
            }
            if (SeqNum.gt(beforeEnd, seq)) {
                int skip = beforeEnd - seq;
                seq += skip;
                index += skip;
                len -= skip;
            }
        }
        // Store the parts between later segments.
        while (len > 0) {
            Map.Entry<Integer, ByteBuf> next = outOfOrder.ceilingEntry(seq);
            int gapEnd = next == null ? end : SeqNum.min(end, next.getKey());
            int n = gapEnd - seq;
            if (n > 0) {
                ByteBuf piece = outOfOrderPiece(buf, index, n);
                outOfOrder.put(seq, piece);
                outOfOrderBytes += n;
                outOfOrderFootprint += BufferFootprint.of(piece);
            }
            if (next == null || SeqNum.geq(next.getKey(), end)) {
                return true;
            }
            int skipTo = next.getKey() + next.getValue().readableBytes();
            if (SeqNum.geq(skipTo, end)) {
                return true;
            }
            int skip = skipTo - seq;
            seq += skip;
            index += skip;
            len -= skip;
        }
        return true;
    }

    private int drainInOrder(int rcvNxt) {
        while (!outOfOrder.isEmpty()) {
            Map.Entry<Integer, ByteBuf> first = outOfOrder.firstEntry();
            int seq = first.getKey();
            ByteBuf b = first.getValue();
            if (SeqNum.gt(seq, rcvNxt)) {
                break;
            }
            outOfOrder.pollFirstEntry();
            outOfOrderBytes -= b.readableBytes();
            outOfOrderFootprint -= BufferFootprint.of(b);
            int skip = rcvNxt - seq;
            if (skip < b.readableBytes()) {
                b.skipBytes(skip);
                rcvNxt += b.readableBytes();
                ready.add(b, b.readerIndex(), b.readableBytes());
            } else {
                b.release();
            }
        }
        // A run that reaches RCV.NXT was drained whole: its data was contiguous with what just became in order.
        runs.dropStartingUpTo(rcvNxt);
        recent.forgetBefore(rcvNxt);
        return rcvNxt;
    }

    /**
     * Copies up to {@code len} in-order bytes into {@code dst} (a null {@code dst} drops them uncopied); returns
     * how many; removes them unless peeking.
     */
    public int read(byte[] dst, int off, int len, boolean peek) {
        return ready.read(dst, off, len, peek);
    }

    /** Drops every byte held (the application will never read them). */
    public int clear() {
        int n = readable();
        ready.clear();
        if (coalesce != null) {
            coalesce.release();
            coalesce = null;
        }
        outOfOrder.values().forEach(ByteBuf::release);
        outOfOrder.clear();
        runs.clear();
        recent.clear();
        outOfOrderBytes = 0;
        outOfOrderFootprint = 0;
        return n;
    }

    /** Releases everything. */
    public void release() {
        clear();
    }
}
