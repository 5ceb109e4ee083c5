package org.netstack4j.arp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stats.Counter;
import org.netstack4j.time.Pollable;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.ArpPacket;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * Address resolution (RFC 826) and the last step of output: it owns the neighbour table, answers requests
 * for our address only, resolves next hops with retried requests while a bounded queue of packets waits, and
 * writes the Ethernet header of every outgoing IPv4 frame.
 *
 * <p>Entries expire after the configured lifetime; an expired entry is resolved afresh on next use. Packets
 * waiting for an address that never answers are dropped and counted after the last retry.
 */
public final class ArpCache {
    private static final class Entry {
        long mac = -1;
        long expires;
        int requestsSent;
        long nextRequest;
        int queuedBytes;
        final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();

        boolean resolved() {
            return mac >= 0;
        }
    }

    private final NetStack stack;
    private final Map<Integer, Entry> entries = new HashMap<>();
    /**
     * The entry {@link #output} used last and its address: almost every frame goes to the same next hop, and the
     * map lookup would box the address on every frame. Cleared whenever an entry leaves the map.
     */
    private int lastHop;
    /**
     * No entry has a deadline before this (a lower bound: every deadline set lowers it, a scan makes it exact),
     * so that polls between deadlines return without walking the table, which would allocate an iterator.
     */
    private long earliest = Long.MIN_VALUE;
    private Entry lastEntry;
    private final ArpPacket rx = new ArpPacket();
    private final long lifetime;
    private final long retryInterval;

    /** The ARP layer of {@code stack}. */
    public ArpCache(NetStack stack) {
        this.stack = stack;
        this.lifetime = stack.config().arpEntryLifetime().toNanos();
        this.retryInterval = stack.config().arpRetryInterval().toNanos();
    }

    /** Handles one ARP packet found at {@code offset} of {@code frame} (not released here). */
    public void receive(ByteBuf frame, int offset, int length) {
        stack.counters().inc(Counter.ARP_IN_PACKETS);
        ArpPacket p = rx.wrap(frame, offset, length);
        if (p.check() != null) {
            stack.counters().inc(Counter.ARP_IN_MALFORMED);
            return;
        }
        int self = stack.config().address().bits();
        int sender = p.senderProtocol();
        long senderMac = p.senderHardware();
        boolean forUs = p.targetProtocol() == self;
        if (sender == self) {
            // Someone else claims our address (or our own announcement came back): never learn it.
            stack.counters().inc(Counter.ARP_IN_NOT_FOR_US);
            return;
        }
        if (forUs && p.operation() == ArpPacket.OP_REPLY) {
            // Counted before learning: learning sends the frames that waited for this reply, and whoever sees
            // them arrive may look at the counters at once.
            stack.counters().inc(Counter.ARP_IN_REPLIES);
        }
        // RFC 826 "Packet Reception": update an existing entry for the sender whoever it was for ...
        Entry e = entries.get(sender);
        if (e != null && sender != 0 && !isGroup(senderMac)) {
            learn(sender, e, senderMac);
        }
        if (!forUs) {
            stack.counters().inc(Counter.ARP_IN_NOT_FOR_US);
            return;
        }
        // ... and add the sender when the packet is for us (merge_flag false).
        if (e == null && sender != 0 && !isGroup(senderMac)) {
            e = new Entry();
            entries.put(sender, e);
            learn(sender, e, senderMac);
        }
        if (p.operation() == ArpPacket.OP_REQUEST) {
            stack.counters().inc(Counter.ARP_IN_REQUESTS);
            send(ArpPacket.OP_REPLY, senderMac, sender, senderMac);
            stack.counters().inc(Counter.ARP_OUT_REPLIES);
        }
    }

    private static boolean isGroup(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    private void learn(int ip, Entry e, long mac) {
        e.mac = mac;
        e.expires = stack.now() + lifetime;
        earliest = Math.min(earliest, e.expires);
        e.requestsSent = 0;
        ByteBuf f;
        while ((f = e.waiting.poll()) != null) {
            e.queuedBytes -= f.readableBytes();
            writeEthernet(f, mac);
            stack.transmitFrame(f);
        }
    }

    /** Sends a gratuitous ARP request announcing our address (RFC 5227 section 3). */
    public void announce() {
        int self = stack.config().address().bits();
        send(ArpPacket.OP_REQUEST, MacAddress.BROADCAST.bits(), self, 0);
        stack.counters().inc(Counter.ARP_OUT_GRATUITOUS);
    }

    /**
     * Sends an IPv4 frame to {@code nextHop}; takes ownership. The frame's first 14 bytes are reserved for the
     * Ethernet header, which is written here once the next hop's MAC is known.
     */
    public void output(ByteBuf frame, int nextHop, boolean broadcast) {
        if (broadcast) {
            writeEthernet(frame, MacAddress.BROADCAST.bits());
            stack.transmitFrame(frame);
            return;
        }
        long now = stack.now();
        Entry e = lastEntry != null && lastHop == nextHop ? lastEntry : entries.get(nextHop);
        if (e != null) {
            lastHop = nextHop;
            lastEntry = e;
        }
        if (e != null && e.resolved() && now < e.expires) {
            writeEthernet(frame, e.mac);
            stack.transmitFrame(frame);
            return;
        }
        if (e == null || e.resolved()) {
            // Unknown or expired: start resolving afresh.
            e = e == null ? new Entry() : e;
            e.mac = -1;
            e.requestsSent = 0;
            e.nextRequest = now;
            earliest = Math.min(earliest, now);
            entries.put(nextHop, e);
        }
        if (e.queuedBytes + frame.readableBytes() > stack.config().arpQueueBytesPerEntry()) {
            // Like Linux's unres_qlen_bytes: the oldest waiting packet makes room for the newest.
            ByteBuf old = e.waiting.poll();
            if (old != null) {
                e.queuedBytes -= old.readableBytes();
                old.release();
            }
            stack.counters().inc(Counter.ARP_QUEUE_DROPS);
            if (e.queuedBytes + frame.readableBytes() > stack.config().arpQueueBytesPerEntry()) {
                frame.release();
                stack.counters().inc(Counter.ARP_QUEUE_DROPS);
                return;
            }
        }
        e.waiting.add(frame);
        e.queuedBytes += frame.readableBytes();
        if (e.requestsSent == 0) {
            request(nextHop, e, now);
        }
    }

    private void request(int ip, Entry e, long now) {
        send(ArpPacket.OP_REQUEST, MacAddress.BROADCAST.bits(), ip, 0);
        stack.counters().inc(Counter.ARP_OUT_REQUESTS);
        e.requestsSent++;
        e.nextRequest = now + retryInterval;
        earliest = Math.min(earliest, e.nextRequest);
    }

    private void send(int op, long ethDst, int targetIp, long targetMac) {
        ByteBuf f = stack.alloc().buffer(EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
        new EthernetHeader(new MacAddress(ethDst), stack.config().mac(), EthernetFrame.TYPE_ARP).emit(f, 0);
        new ArpMessage(op, stack.config().mac(), stack.config().address(), new MacAddress(targetMac),
                new Ipv4Address(targetIp)).emit(f, EthernetFrame.HEADER_LENGTH);
        f.writerIndex(EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
        stack.transmitFrame(f);
    }

    private void writeEthernet(ByteBuf frame, long dstMac) {
        int at = frame.readerIndex();
        MacAddress.writeBits(frame, at, dstMac);
        MacAddress.writeBits(frame, at + 6, stack.config().mac().bits());
        frame.setShort(at + 12, EthernetFrame.TYPE_IPV4);
    }

    private void forget(Entry e) {
        if (e == lastEntry) {
            lastEntry = null;
        }
    }

    /** Retries requests, gives up on silent addresses and expires stale entries. */
    public long poll(long now) {
        if (now < earliest) {
            return earliest;
        }
        long next = Pollable.NEVER;
        for (Iterator<Map.Entry<Integer, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Entry> me = it.next();
            Entry e = me.getValue();
            if (e.resolved()) {
                if (now >= e.expires) {
                    forget(e);
                    it.remove();
                    stack.counters().inc(Counter.ARP_ENTRIES_EXPIRED);
                } else {
                    next = Math.min(next, e.expires);
                }
                continue;
            }
            if (now >= e.nextRequest) {
                if (e.requestsSent >= stack.config().arpMaxRetries()) {
                    stack.counters().inc(Counter.ARP_RESOLVE_FAILED);
                    stack.counters().add(Counter.ARP_QUEUE_DROPS, e.waiting.size());
                    releaseAll(e);
                    forget(e);
                    it.remove();
                    continue;
                }
                request(me.getKey(), e, now);
            }
            next = Math.min(next, e.nextRequest);
        }
        earliest = next;
        return next;
    }

    /** The MAC known for {@code ip}, or null when unresolved or expired. */
    public MacAddress lookup(Ipv4Address ip) {
        Entry e = entries.get(ip.bits());
        return e != null && e.resolved() && stack.now() < e.expires ? new MacAddress(e.mac) : null;
    }

    /** Number of entries, resolved or not. */
    public int size() {
        return entries.size();
    }

    private static void releaseAll(Entry e) {
        ByteBuf f;
        while ((f = e.waiting.poll()) != null) {
            f.release();
        }
        e.queuedBytes = 0;
    }

    /** Releases every waiting packet. */
    public void shutdown() {
        entries.values().forEach(ArpCache::releaseAll);
        entries.clear();
        lastEntry = null;
    }
}
