package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiver's bytes: in-order data waiting for the application, and out-of-order segments kept until the
 * hole before them fills (RFC 9293 section 3.10.7.4, "seventh"). Payloads are retained slices of the frames
 * they arrived in, not copies. Out-of-order data is bounded by the receive window the caller enforces;
 * overlapping and duplicate bytes are trimmed so each byte is stored once.
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

    /** A queue for a receive buffer of {@code limit} bytes (SO_RCVBUF). */
    public ReceiveQueue(int limit) {
        this.limit = limit;
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
            ready.add(buf.retain(), index, len);
            rcvNxt += len;
            return drainInOrder(rcvNxt);
        }
        storeOutOfOrder(seq, buf, index, len);
        runs.add(seq, seq + len);
        recent.arrived(seq);
        return rcvNxt;
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

    private void storeOutOfOrder(int seq, ByteBuf buf, int index, int len) {
        int end = seq + len;
        // Cut the front against an earlier segment that overlaps it.
        Map.Entry<Integer, ByteBuf> before = outOfOrder.floorEntry(seq);
        if (before != null) {
            int beforeEnd = before.getKey() + before.getValue().readableBytes();
            if (SeqNum.geq(beforeEnd, end)) {
                return;
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
                outOfOrder.put(seq, buf.retainedSlice(index, n));
                outOfOrderBytes += n;
            }
            if (next == null || SeqNum.geq(next.getKey(), end)) {
                return;
            }
            int skipTo = next.getKey() + next.getValue().readableBytes();
            if (SeqNum.geq(skipTo, end)) {
                return;
            }
            int skip = skipTo - seq;
            seq += skip;
            index += skip;
            len -= skip;
        }
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
        outOfOrder.values().forEach(ByteBuf::release);
        outOfOrder.clear();
        runs.clear();
        recent.clear();
        outOfOrderBytes = 0;
        return n;
    }

    /** Releases everything. */
    public void release() {
        clear();
    }
}
