package org.netstack4j.ipv4;

import io.netty.buffer.ByteBuf;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stats.Counter;
import org.netstack4j.time.Pollable;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;

/**
 * IPv4 reassembly (RFC 791 section 3.2, with the hole bookkeeping of RFC 815) under hard limits.
 *
 * <p>Fragments are keyed by (source, destination, protocol, identification). Only the bytes that fill a hole
 * are copied — on overlap the data that arrived first wins and the overlap is counted — so a flood of
 * overlapping or duplicate fragments cannot grow memory. All incomplete datagrams together hold at most
 * {@code reassemblyMaxTotalBytes} (each piece charged its size plus a fixed overhead, like Linux's truesize);
 * beyond that the oldest incomplete datagram is evicted. An incomplete datagram expires after the timeout,
 * and if its first fragment had arrived, an ICMP time-exceeded (code 1) goes back (RFC 792, RFC 1122 3.3.2).
 */
public final class Reassembler {
    /** Bytes charged per stored piece in addition to its data. */
    static final int PIECE_OVERHEAD = 64;
    private static final int MAX_PAYLOAD = 65535 - Ipv4Packet.MIN_HEADER_LENGTH;

    private record Key(int source, int destination, int protocol, int identification) {
    }

    private static final class Partial {
        final long deadline;
        final TreeMap<Integer, ByteBuf> pieces = new TreeMap<>();
        int totalLength = -1;
        int received;
        int charged;
        ByteBuf firstFragmentQuote;
        int tos;
        int ttl;

        Partial(long deadline) {
            this.deadline = deadline;
        }
    }

    private final NetStack stack;
    private final long timeout;
    private final int maxTotal;
    private final Map<Key, Partial> partials = new LinkedHashMap<>();
    private int chargedTotal;

    /** Reassembly for {@code stack}, with its configured timeout and cap. */
    public Reassembler(NetStack stack) {
        this.stack = stack;
        this.timeout = stack.config().reassemblyTimeout().toNanos();
        this.maxTotal = stack.config().reassemblyMaxTotalBytes();
    }

    /**
     * Adds the fragment {@code ip} (a checked view) and returns the whole datagram — a new buffer holding a
     * 20-byte header and the payload, owned by the caller — once complete, else null. Never takes ownership
     * of the fragment's buffer.
     */
    public ByteBuf add(Ipv4Packet ip) {
        stack.counters().inc(Counter.IP_REASM_REQDS);
        int offset = ip.fragmentOffset();
        int length = ip.payloadLength();
        int end = offset + length;
        boolean last = !ip.moreFragments();
        Key key = new Key(ip.source(), ip.destination(), ip.protocol(), ip.identification());
        // RFC 791: every fragment but the last carries a multiple of 8 bytes; anything else is malformed.
        if ((!last && (length == 0 || (length & 7) != 0)) || end > MAX_PAYLOAD) {
            stack.counters().inc(Counter.IP_REASM_FAILS);
            Partial bad = partials.remove(key);
            if (bad != null) {
                discard(bad);
            }
            return null;
        }
        Partial p = partials.get(key);
        if (p == null) {
            p = new Partial(stack.now() + timeout);
            partials.put(key, p);
        }
        if (last) {
            if ((p.totalLength >= 0 && p.totalLength != end) || (!p.pieces.isEmpty() && p.pieces.lastEntry()
                    .getKey() + p.pieces.lastEntry().getValue().readableBytes() > end)) {
                fail(key, p);
                return null;
            }
            p.totalLength = end;
        } else if (p.totalLength >= 0 && end > p.totalLength) {
            fail(key, p);
            return null;
        }
        if (offset == 0 && p.firstFragmentQuote == null) {
            // Keep what an ICMP time-exceeded must quote: the header and the first 8 data bytes.
            int quote = ip.headerLength() + Math.min(8, length);
            p.firstFragmentQuote = ip.buffer().copy(ip.offset(), quote);
            p.tos = ip.tos();
            p.ttl = ip.ttl();
        }
        if (!fillHoles(p, ip.buffer(), ip.payloadOffset(), offset, end)) {
            return null;
        }
        if (p.totalLength >= 0 && p.received == p.totalLength) {
            partials.remove(key);
            ByteBuf whole = assemble(key, p);
            discard(p);
            stack.counters().inc(Counter.IP_REASM_OKS);
            return whole;
        }
        return null;
    }

    /** Copies the parts of [offset, end) that no earlier fragment covered; false if the cap evicted p. */
    private boolean fillHoles(Partial p, ByteBuf src, int srcIndex, int offset, int end) {
        int cursor = offset;
        boolean overlapped = false;
        Map.Entry<Integer, ByteBuf> before = p.pieces.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue().readableBytes() > cursor) {
            cursor = before.getKey() + before.getValue().readableBytes();
            overlapped = true;
        }
        while (cursor < end) {
            Map.Entry<Integer, ByteBuf> next = p.pieces.ceilingEntry(cursor);
            int holeEnd = next == null ? end : Math.min(end, next.getKey());
            if (holeEnd > cursor) {
                int n = holeEnd - cursor;
                if (!charge(p, n + PIECE_OVERHEAD)) {
                    return false;
                }
                ByteBuf piece = stack.alloc().buffer(n);
                piece.writeBytes(src, srcIndex + (cursor - offset), n);
                p.pieces.put(cursor, piece);
                p.received += n;
            }
            if (next == null || next.getKey() >= end) {
                break;
            }
            overlapped = true;
            cursor = next.getKey() + next.getValue().readableBytes();
        }
        if (overlapped || cursor < offset) {
            stack.counters().inc(Counter.IP_REASM_OVERLAPS);
        }
        return true;
    }

    /** Charges n bytes, evicting the oldest incomplete datagrams (never p itself) to make room. */
    private boolean charge(Partial p, int n) {
        Iterator<Map.Entry<Key, Partial>> it = partials.entrySet().iterator();
        while (chargedTotal + n > maxTotal && it.hasNext()) {
            Partial victim = it.next().getValue();
            if (victim == p) {
                continue;
            }
            it.remove();
            discard(victim);
            stack.counters().inc(Counter.IP_REASM_EVICTED);
            stack.counters().inc(Counter.IP_REASM_FAILS);
        }
        if (chargedTotal + n > maxTotal) {
            partials.values().remove(p);
            discard(p);
            stack.counters().inc(Counter.IP_REASM_FAILS);
            return false;
        }
        chargedTotal += n;
        p.charged += n;
        return true;
    }

    private ByteBuf assemble(Key key, Partial p) {
        ByteBuf out = stack.alloc().buffer(Ipv4Packet.MIN_HEADER_LENGTH + p.totalLength);
        new Ipv4Header(p.tos, Ipv4Packet.MIN_HEADER_LENGTH + p.totalLength, key.identification(), false, false, 0,
                p.ttl, key.protocol(), new Ipv4Address(key.source()), new Ipv4Address(key.destination()),
                Bytes.EMPTY).emit(out, 0);
        out.writerIndex(Ipv4Packet.MIN_HEADER_LENGTH);
        for (ByteBuf piece : p.pieces.values()) {
            out.writeBytes(piece, piece.readerIndex(), piece.readableBytes());
        }
        return out;
    }

    private void fail(Key key, Partial p) {
        partials.remove(key);
        discard(p);
        stack.counters().inc(Counter.IP_REASM_FAILS);
    }

    private void discard(Partial p) {
        for (ByteBuf b : p.pieces.values()) {
            b.release();
        }
        p.pieces.clear();
        chargedTotal -= p.charged;
        p.charged = 0;
        if (p.firstFragmentQuote != null) {
            p.firstFragmentQuote.release();
            p.firstFragmentQuote = null;
        }
    }

    /** Expires incomplete datagrams whose time is up, sending time-exceeded where allowed. */
    public long poll(long now) {
        long next = Pollable.NEVER;
        if (partials.isEmpty()) {
            return next; // the common case, without allocating an iterator
        }
        for (Iterator<Partial> it = partials.values().iterator(); it.hasNext(); ) {
            Partial p = it.next();
            if (now >= p.deadline) {
                it.remove();
                stack.counters().inc(Counter.IP_REASM_TIMEOUT);
                stack.counters().inc(Counter.IP_REASM_FAILS);
                if (p.firstFragmentQuote != null) {
                    stack.icmp().sendReassemblyTimeExceeded(p.firstFragmentQuote);
                }
                discard(p);
            } else {
                next = Math.min(next, p.deadline);
            }
        }
        return next;
    }

    /** Bytes currently charged to incomplete datagrams. */
    public int chargedBytes() {
        return chargedTotal;
    }

    /** Incomplete datagrams held. */
    public int incomplete() {
        return partials.size();
    }

    /** Releases everything held. */
    public void shutdown() {
        partials.values().forEach(this::discard);
        partials.clear();
    }
}
