package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;
import java.util.TreeMap;
import org.netstack4j.stack.BufferFootprint;

/**
 * The receiver's bytes: in-order data waiting for the application, and out-of-order segments kept until the
 * hole before them fills (RFC 9293 section 3.10.7.4, "seventh"). Payloads are kept as references to the frames
 * they arrived in (no copy) unless that would pin much more memory than they hold, see below. Out-of-order data is
 * bounded by the receive window the caller enforces; overlapping and duplicate bytes are trimmed so each byte is
 * stored once.
 *
 * <p>Memory is bounded as well as bytes (Linux's truesize accounting, tcp_try_coalesce, tcp_collapse and
 * tcp_prune_ofo_queue). A payload that would keep a buffer much larger than itself alive ({@link BufferFootprint})
 * is copied where that saves memory: in order into a 4 KiB buffer of the queue's own that later such payloads fill
 * up (a lone small payload after a full-sized one keeps its frame, which costs less than a new buffer), out of
 * order into one of its size. An out-of-order piece that would take the queue past {@link #memoryLimit()} first
 * makes room by giving up held data above it (the highest first: the data the sender needs soonest is kept, RFC
 * 2018 section 8 allows the reneging); if there is none, it is dropped and the peer sends it again. So one-byte
 * segments, or small frames read into 64 KiB buffers, cannot make a connection pin far more than twice its
 * receive buffer.
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
    /** Arrivals that made room by giving up held out-of-order data; read and reset by the caller. */
    private int prunes;
    /** The last in-order piece is a small payload kept in its (much larger) frame: the next one is coalesced. */
    private boolean lastKeptWasteful;

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

    /** Arrivals that gave up held out-of-order data for room since the last call (Linux: OfoPruned). */
    public int takePrunes() {
        int n = prunes;
        prunes = 0;
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
        storeOutOfOrder(seq, buf, index, len);
        if (runs.find(seq) >= 0) {
            recent.arrived(seq); // held now (or before): its block goes first in the next SACK option
        }
        return rcvNxt;
    }

    /**
     * Adds in-order bytes: a reference to their frame, or a copy into the queue's own buffer where that saves
     * memory (Linux's tcp_try_coalesce into the tail, and the collapsing it does under memory pressure).
     */
    private void appendInOrder(ByteBuf buf, int index, int len) {
        int charge = BufferFootprint.of(buf);
        if (charge <= 2L * len + KEEP_ALLOWANCE) {
            ready.add(buf.retain(), index, len, charge);
            lastKeptWasteful = false;
            return;
        }
        ByteBuf c = coalesce;
        if (c != null && ready.lastBuffer() == c && ready.lastEnd() == c.writerIndex() && c.writableBytes() >= len) {
            // Into the room left in the queue's own buffer: no memory added at all.
            c.writeBytes(buf, index, len);
            ready.extendLast(len);
            return;
        }
        int own = Math.max(len, COALESCE_CHUNK) + BufferFootprint.PER_BUFFER;
        if (charge <= own && !lastKeptWasteful) {
            // A lone small payload (a request, the tail of a write) costs less in its frame than in a new buffer;
            // a second one in a row starts coalescing.
            ready.add(buf.retain(), index, len, charge);
            lastKeptWasteful = true;
            return;
        }
        if (c != null && c.refCnt() == 1 && c.capacity() >= len) {
            c.clear(); // the application has read all of it: reuse it
        } else {
            if (c != null) {
                coalesce = null;
                c.release();
            }
            c = alloc.directBuffer(Math.max(len, COALESCE_CHUNK));
            coalesce = c;
        }
        c.writeBytes(buf, index, len);
        ready.add(c.retain(), 0, len, BufferFootprint.of(c));
        lastKeptWasteful = false;
    }

    /** What an out-of-order piece of {@code len} bytes of {@code buf} will be charged ({@link #outOfOrderPiece}). */
    private static int outOfOrderCharge(ByteBuf buf, int len) {
        int frame = BufferFootprint.of(buf);
        return frame > 2L * len + KEEP_ALLOWANCE ? len + BufferFootprint.PER_BUFFER : frame;
    }

    /** The piece of an out-of-order segment to hold: a slice of its frame, or a copy if that would pin more. */
    private ByteBuf outOfOrderPiece(ByteBuf buf, int index, int len) {
        if (BufferFootprint.of(buf) <= 2L * len + KEEP_ALLOWANCE) {
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

    /**
     * Holds what is new of an out-of-order segment, piece by piece between the data already held, each added to the
     * SACK runs as it is stored. A piece the memory limit leaves no room for ends the segment: it and the rest
     * are dropped (and counted), and are not reported in SACK blocks.
     */
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
                int room = makeRoom(seq, outOfOrderCharge(buf, n));
                if (room < 0) {
                    memoryDrops++;
                    return;
                }
                if (room > 0) {
                    continue; // held data above was given up, perhaps the next piece: look again
                }
                ByteBuf piece = outOfOrderPiece(buf, index, n);
                outOfOrder.put(seq, piece);
                outOfOrderBytes += n;
                outOfOrderFootprint += BufferFootprint.of(piece);
                runs.add(seq, seq + n);
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

    /**
     * Whether a piece at {@code seq} charged {@code charge} fits under {@link #memoryLimit()}: 0 if it does, 1 if
     * it will once held data above {@code seq} has been given up (done here, highest first, as Linux's
     * tcp_prune_ofo_queue), -1 if it does not and there is nothing above it to give up.
     */
    private int makeRoom(int seq, int charge) {
        long over = footprint() + charge - memoryLimit();
        if (over <= 0) {
            return 0;
        }
        int lowestGivenUp = 0;
        boolean gaveUp = false;
        while (over > 0 && !outOfOrder.isEmpty() && SeqNum.gt(outOfOrder.lastKey(), seq)) {
            Map.Entry<Integer, ByteBuf> last = outOfOrder.pollLastEntry();
            ByteBuf b = last.getValue();
            int freed = BufferFootprint.of(b);
            outOfOrderBytes -= b.readableBytes();
            outOfOrderFootprint -= freed;
            over -= freed;
            b.release();
            lowestGivenUp = last.getKey();
            gaveUp = true;
        }
        if (!gaveUp) {
            return -1;
        }
        runs.truncateFrom(lowestGivenUp);
        prunes++;
        return 1;
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
            int charge = BufferFootprint.of(b);
            outOfOrderFootprint -= charge;
            int skip = rcvNxt - seq;
            if (skip < b.readableBytes()) {
                b.skipBytes(skip);
                rcvNxt += b.readableBytes();
                ready.add(b, b.readerIndex(), b.readableBytes(), charge);
                lastKeptWasteful = false;
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
        int n = ready.read(dst, off, len, peek);
        if (ready.pieces() == 0) {
            lastKeptWasteful = false;
        }
        return n;
    }

    /** Drops every byte held (the application will never read them). */
    public int clear() {
        int n = readable();
        ready.clear();
        lastKeptWasteful = false;
        if (coalesce != null) {
            ByteBuf c = coalesce;
            coalesce = null;
            c.release();
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
