package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.netstack4j.stack.BufferFootprint;
import org.netstack4j.wire.DirectCopy;

/**
 * A FIFO of byte ranges that live in other buffers: each piece is a buffer the queue holds one reference to, with
 * the index and length of its bytes in it. It replaces a {@code CompositeByteBuf} for the receiver's in-order
 * bytes and the sender's queue: adding a piece stores three values in ring arrays instead of allocating a
 * component (and, on receive, a slice), and reading copies by address ({@link DirectCopy}) instead of through a
 * NIO view made per buffer, so a steady flow of segments allocates nothing here. The buffers' own indices are
 * never touched, so a frame may back several pieces. Owned by the stack's thread.
 */
final class ByteRangeQueue {
    private ByteBuf[] bufs;
    private int[] starts;
    private int[] lengths;
    /**
     * What each piece was charged ({@link BufferFootprint}) when added; returned when its buffer is released. Null
     * until a piece is charged: the send queue never is, and an idle connection's receive queue not yet.
     */
    private int[] charges;
    private int head;
    private int count;
    /** Bytes held in all pieces. */
    private int bytes;
    /** Memory the held buffers keep alive: the sum of {@link #charges}. */
    private long footprint;

    /** An empty queue with room for {@code pieces} pieces before it first grows (rounded up to a power of 2). */
    ByteRangeQueue(int pieces) {
        int capacity = Integer.highestOneBit(Math.max(2, pieces) - 1) << 1;
        bufs = new ByteBuf[capacity];
        starts = new int[capacity];
        lengths = new int[capacity];
    }

    /** Bytes held. */
    int readable() {
        return bytes;
    }

    /** Pieces held. */
    int pieces() {
        return count;
    }

    /** Memory the held buffers keep alive: what their pieces were charged ({@link BufferFootprint}). */
    long footprint() {
        return footprint;
    }

    /** The last piece's buffer, or null when empty. */
    ByteBuf lastBuffer() {
        return count == 0 ? null : bufs[(head + count - 1) & (bufs.length - 1)];
    }

    /** The index just after the last piece's bytes in its buffer; only meaningful when not empty. */
    int lastEnd() {
        int at = (head + count - 1) & (bufs.length - 1);
        return starts[at] + lengths[at];
    }

    /**
     * Appends the {@code len} bytes at {@code index} of {@code buf}, taking over one reference to it (the caller
     * retains it for the queue, or hands over its own); not counted in {@link #footprint()} (the send queue's own
     * chunks).
     */
    void add(ByteBuf buf, int index, int len) {
        add(buf, index, len, 0);
    }

    /**
     * Like {@link #add(ByteBuf, int, int)}, charging {@code charge} bytes ({@link BufferFootprint}) to
     * {@link #footprint()} until the piece's buffer is released.
     */
    void add(ByteBuf buf, int index, int len, int charge) {
        if (len <= 0) {
            buf.release();
            return;
        }
        if (count == bufs.length) {
            grow();
        }
        int at = (head + count) & (bufs.length - 1);
        bufs[at] = buf;
        starts[at] = index;
        lengths[at] = len;
        if (charge != 0 && charges == null) {
            charges = new int[bufs.length];
        }
        if (charges != null) {
            charges[at] = charge;
            footprint += charge;
        }
        count++;
        bytes += len;
    }

    /** Grows the last piece by {@code n} bytes that its buffer now holds after it. */
    void extendLast(int n) {
        lengths[(head + count - 1) & (bufs.length - 1)] += n;
        bytes += n;
    }

    /** Copies the {@code len} bytes found {@code offset} bytes after the front into {@code dst} at {@code index}. */
    void copy(int offset, ByteBuf dst, int index, int len) {
        long where = locate(offset, len);
        int i = (int) (where >>> 32);
        int at = (head + i) & (bufs.length - 1);
        offset = (int) where;
        while (len > 0) {
            int k = Math.min(len, lengths[at] - offset);
            // By address between direct buffers: Netty's getBytes would build dst's NIO view, an object per frame.
            DirectCopy.copy(bufs[at], starts[at] + offset, dst, index, k);
            index += k;
            len -= k;
            offset = 0;
            at = (head + ++i) & (bufs.length - 1);
        }
    }

    /**
     * Appends the {@code len} bytes found {@code offset} bytes after the front to {@code dst} as retained slices of
     * the pieces' buffers, without copying, if they lie in at most {@code maxPieces} pieces; returns false (and
     * adds nothing) otherwise. The slices stay valid after the bytes leave this queue: bytes once added are never
     * overwritten, and each slice holds its own reference to its buffer.
     */
    boolean slices(int offset, int len, CompositeByteBuf dst, int maxPieces) {
        long where = locate(offset, len);
        int first = (int) (where >>> 32);
        int firstOffset = (int) where;
        offset = firstOffset;
        for (int left = len + firstOffset, n = 0; left > 0; n++) {
            if (n == maxPieces) {
                return false;
            }
            left -= lengths[(head + first + n) & (bufs.length - 1)];
        }
        for (int i = first; len > 0; i++, offset = 0) {
            int at = (head + i) & (bufs.length - 1);
            int k = Math.min(len, lengths[at] - offset);
            dst.addComponent(true, bufs[at].retainedSlice(starts[at] + offset, k));
            len -= k;
        }
        return true;
    }

    /**
     * Finds the byte {@code offset} bytes after the front, checking that {@code len} bytes follow it: the index of
     * its piece counted from the head (high half) and its offset in that piece (low half).
     */
    private long locate(int offset, int len) {
        if (offset < 0 || len < 0 || offset + len > bytes) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + len + " of " + bytes);
        }
        int i = 0;
        int at = head;
        while (offset >= lengths[at]) {
            offset -= lengths[at];
            at = (head + ++i) & (bufs.length - 1);
        }
        return (long) i << 32 | offset;
    }

    /**
     * Copies up to {@code len} bytes from the front into {@code dst} at {@code off} (a null {@code dst} drops them
     * uncopied); returns how many; removes them unless {@code peek}.
     */
    int read(byte[] dst, int off, int len, boolean peek) {
        int n = Math.min(len, bytes);
        int copied = dst == null ? n : 0;
        for (int i = 0; copied < n; i++) {
            int at = (head + i) & (bufs.length - 1);
            int k = Math.min(n - copied, lengths[at]);
            DirectCopy.copy(bufs[at], starts[at], dst, off + copied, k);
            copied += k;
        }
        if (!peek) {
            skip(n);
        }
        return n;
    }

    /** Drops up to {@code n} bytes from the front, releasing the pieces they empty; returns how many. */
    int skip(int n) {
        n = Math.min(n, bytes);
        int left = n;
        while (left > 0) {
            int len = lengths[head];
            if (left < len) {
                starts[head] += left;
                lengths[head] = len - left;
                break;
            }
            left -= len;
            removeHead();
        }
        bytes -= n;
        return n;
    }

    /** Drops every byte and releases every piece. */
    void clear() {
        while (count > 0) {
            removeHead();
        }
        bytes = 0;
    }

    private void removeHead() {
        ByteBuf b = bufs[head];
        bufs[head] = null;
        if (charges != null) {
            footprint -= charges[head];
        }
        head = (head + 1) & (bufs.length - 1);
        count--;
        b.release();
    }

    private void grow() {
        int capacity = bufs.length * 2;
        ByteBuf[] b = new ByteBuf[capacity];
        int[] s = new int[capacity];
        int[] l = new int[capacity];
        int[] c = charges == null ? null : new int[capacity];
        for (int i = 0; i < count; i++) {
            int at = (head + i) & (bufs.length - 1);
            b[i] = bufs[at];
            s[i] = starts[at];
            l[i] = lengths[at];
            if (c != null) {
                c[i] = charges[at];
            }
        }
        bufs = b;
        starts = s;
        lengths = l;
        charges = c;
        head = 0;
    }
}
