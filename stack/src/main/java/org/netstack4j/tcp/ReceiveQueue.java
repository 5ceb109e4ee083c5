package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiver's bytes: in-order data waiting for the application, and out-of-order segments kept until the
 * hole before them fills (RFC 9293 section 3.10.7.4, "seventh"). Payloads are retained slices of the frames
 * they arrived in, not copies. Out-of-order data is bounded by the receive window the caller enforces;
 * overlapping and duplicate bytes are trimmed so each byte is stored once.
 */
public final class ReceiveQueue {
    private final CompositeByteBuf ready;
    /** Out-of-order segments keyed by sequence number, compared wrap-safely. */
    private final TreeMap<Integer, ByteBuf> outOfOrder = new TreeMap<>((a, b) -> Integer.compare(a - b, 0));
    private int outOfOrderBytes;
    private int limit;

    /** A queue for a receive buffer of {@code limit} bytes (SO_RCVBUF). */
    public ReceiveQueue(ByteBufAllocator alloc, int limit) {
        this.ready = alloc.compositeBuffer(1024);
        this.limit = limit;
    }

    /** In-order bytes the application may read. */
    public int readable() {
        return ready.readableBytes();
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
            ready.addComponent(true, buf.retainedSlice(index, len));
            rcvNxt += len;
            return drainInOrder(rcvNxt);
        }
        storeOutOfOrder(seq, buf, index, len);
        return rcvNxt;
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
                ready.addComponent(true, b);
            } else {
                b.release();
            }
        }
        return rcvNxt;
    }

    /**
     * SACK blocks describing the out-of-order data (RFC 2018 section 4): contiguous stored pieces merged into
     * one block, the block holding {@code mostRecent} (the start of the latest segment received) first, then the
     * others in sequence order, at most {@code left.length}. Returns how many were written. (Interim receive side
     * for SACK; the receive-side work of issue 5 orders later blocks by recency and adds D-SACK.)
     */
    public int sackBlocks(int mostRecent, int[] left, int[] right) {
        if (outOfOrder.isEmpty()) {
            return 0;
        }
        int n = 0;
        int firstLeft = 0;
        int firstRight = 0;
        int l = 0;
        int r = 0;
        boolean open = false;
        // Pass 1: the block holding the most recent segment.
        for (Map.Entry<Integer, ByteBuf> e : outOfOrder.entrySet()) {
            int s = e.getKey();
            int end = s + e.getValue().readableBytes();
            if (open && s == r) {
                r = end;
                continue;
            }
            if (open && SeqNum.leq(l, mostRecent) && SeqNum.lt(mostRecent, r)) {
                break;
            }
            l = s;
            r = end;
            open = true;
        }
        if (SeqNum.leq(l, mostRecent) && SeqNum.lt(mostRecent, r)) {
            firstLeft = l;
            firstRight = r;
            left[0] = l;
            right[0] = r;
            n = 1;
        }
        // Pass 2: the others in order.
        open = false;
        for (Map.Entry<Integer, ByteBuf> e : outOfOrder.entrySet()) {
            int s = e.getKey();
            int end = s + e.getValue().readableBytes();
            if (open && s == r) {
                r = end;
                continue;
            }
            if (open && n < left.length && !(n > 0 && l == firstLeft && r == firstRight)) {
                left[n] = l;
                right[n] = r;
                n++;
            }
            l = s;
            r = end;
            open = true;
        }
        if (open && n < left.length && !(n > 0 && l == firstLeft && r == firstRight)) {
            left[n] = l;
            right[n] = r;
            n++;
        }
        return n;
    }

    /** Copies up to {@code len} in-order bytes into {@code dst}; returns how many; removes them unless peeking. */
    public int read(byte[] dst, int off, int len, boolean peek) {
        int n = Math.min(len, readable());
        ready.getBytes(ready.readerIndex(), dst, off, n);
        if (!peek) {
            ready.skipBytes(n);
            ready.discardReadComponents();
        }
        return n;
    }

    /** Drops every byte held (the application will never read them). */
    public int clear() {
        int n = readable();
        ready.skipBytes(n);
        ready.discardReadComponents();
        outOfOrder.values().forEach(ByteBuf::release);
        outOfOrder.clear();
        outOfOrderBytes = 0;
        return n;
    }

    /** Releases everything. */
    public void release() {
        clear();
        ready.release();
    }
}
