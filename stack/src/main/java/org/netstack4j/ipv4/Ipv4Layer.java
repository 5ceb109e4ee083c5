package org.netstack4j.ipv4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.netstack4j.socket.Errno;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stats.Counter;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.IcmpPacket;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.WireError;

/**
 * IPv4 (RFC 791, RFC 1122 section 3.2): validates every received header, reassembles fragments, delivers by
 * protocol, and on output routes, fragments to the MTU and hands frames to ARP.
 *
 * <p>Output convention: a transport builds its packet in a frame buffer from {@link #allocate(int)}, whose
 * first {@link #TRANSPORT_OFFSET} bytes are reserved for the Ethernet and IPv4 headers, writes its header and
 * payload from there on, and calls {@link #output}.
 */
public final class Ipv4Layer {
    /** Where a transport header starts in a frame from {@link #allocate(int)}. */
    public static final int TRANSPORT_OFFSET = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;

    private final NetStack stack;
    private final Reassembler reassembler;
    private final Ipv4Packet rx = new Ipv4Packet();
    private final Ipv4Packet reassembled = new Ipv4Packet();
    private final int self;
    private final int mask;
    private final int subnetBroadcast;
    private int nextIdentification;

    /** The IPv4 layer of {@code stack}. */
    public Ipv4Layer(NetStack stack) {
        this.stack = stack;
        this.reassembler = new Reassembler(stack);
        this.self = stack.config().address().bits();
        this.mask = Ipv4Address.mask(stack.config().prefixLength());
        this.subnetBroadcast = prefixIsHost() ? 0 : (self & mask) | ~mask;
        this.nextIdentification = stack.random().nextInt(65536);
    }

    private boolean prefixIsHost() {
        return stack.config().prefixLength() >= 31;
    }

    /**
     * Handles the IPv4 packet at {@code offset}; the caller keeps ownership of {@code frame}. With
     * {@code transportChecksumVerified} the device vouched for its TCP/UDP checksum; a datagram reassembled
     * from fragments is always verified, since the promise was made per frame.
     */
    public void receive(ByteBuf frame, int offset, int length, boolean transportChecksumVerified) {
        stack.counters().inc(Counter.IP_IN_RECEIVES);
        Ipv4Packet ip = rx.wrap(frame, offset, length);
        WireError err = ip.check();
        if (err != null) {
            stack.counters().inc(switch (err) {
                case BAD_CHECKSUM -> Counter.IP_IN_CSUM_ERRORS;
                case TRUNCATED, BAD_TOTAL_LENGTH -> Counter.IP_IN_TRUNCATED;
                default -> Counter.IP_IN_HDR_ERRORS;
            });
            return;
        }
        int dst = ip.destination();
        boolean broadcast = dst == -1 || (dst == subnetBroadcast && !prefixIsHost());
        if (dst != self && !broadcast) {
            // A host does not forward (RFC 1122 3.3.1.1 allows it only for routers).
            stack.counters().inc(Counter.IP_IN_ADDR_ERRORS);
            return;
        }
        // RFC 1122 3.2.1.7: a host must not discard a datagram just because its TTL is below 2.
        if (ip.isFragment()) {
            ByteBuf whole = reassembler.add(ip);
            if (whole == null) {
                return;
            }
            try {
                deliver(whole, reassembled.wrap(whole, 0, whole.readableBytes()), broadcast, false);
            } finally {
                whole.release();
            }
            return;
        }
        deliver(frame, ip, broadcast, transportChecksumVerified);
    }

    private void deliver(ByteBuf buf, Ipv4Packet ip, boolean broadcast, boolean checksumVerified) {
        switch (ip.protocol()) {
            case Ipv4Packet.PROTO_ICMP -> {
                stack.counters().inc(Counter.IP_IN_DELIVERS);
                stack.icmp().receive(buf, ip, broadcast);
            }
            case Ipv4Packet.PROTO_TCP -> {
                stack.counters().inc(Counter.IP_IN_DELIVERS);
                stack.tcp().receive(buf, ip, broadcast, checksumVerified);
            }
            case Ipv4Packet.PROTO_UDP -> {
                stack.counters().inc(Counter.IP_IN_DELIVERS);
                stack.udp().receive(buf, ip, broadcast, checksumVerified);
            }
            default -> {
                stack.counters().inc(Counter.IP_IN_UNKNOWN_PROTOS);
                if (!broadcast) {
                    stack.icmp().sendDestinationUnreachable(IcmpPacket.CODE_PROTOCOL_UNREACHABLE,
                            buf, ip);
                }
            }
        }
    }

    /** A frame buffer with room for Ethernet, IPv4 and {@code transportLength} bytes, writer index at the end. */
    public ByteBuf allocate(int transportLength) {
        ByteBuf f = stack.alloc().buffer(TRANSPORT_OFFSET + transportLength);
        f.writerIndex(TRANSPORT_OFFSET + transportLength);
        return f;
    }

    /**
     * Like {@link #allocate}, for a packet whose payload the caller appends as components (slices of buffers it
     * holds elsewhere) instead of copying it in: a composite frame whose first component has room for the
     * Ethernet, IPv4 and {@code transportHeaderLength} transport header bytes.
     */
    public CompositeByteBuf allocateHeaders(int transportHeaderLength, int maxComponents) {
        ByteBuf headers = stack.alloc().directBuffer(TRANSPORT_OFFSET + transportHeaderLength);
        headers.writerIndex(TRANSPORT_OFFSET + transportHeaderLength);
        return stack.alloc().compositeDirectBuffer(maxComponents).addComponent(true, headers);
    }

    /** True when {@code dst} is reachable: on our subnet, the limited broadcast, or via the gateway. */
    public boolean hasRoute(int dst) {
        return dst == -1 || (dst & mask) == (self & mask) || stack.config().gateway() != null;
    }

    /** True for the limited broadcast and our subnet's directed broadcast. */
    public boolean isBroadcast(int dst) {
        return dst == -1 || (dst == subnetBroadcast && !prefixIsHost());
    }

    /**
     * Sends a packet built in {@code frame} (see {@link #allocate}); takes ownership. Writes the IPv4 header,
     * fragments when the packet exceeds the MTU (RFC 791 3.2) unless {@code dontFragment}, routes to the
     * next hop and hands the frames to ARP.
     *
     * @return null when sent (or queued for resolution), else why not
     */
    public Errno output(ByteBuf frame, int destination, int protocol, int tos, boolean dontFragment) {
        stack.counters().inc(Counter.IP_OUT_REQUESTS);
        if (!hasRoute(destination)) {
            stack.counters().inc(Counter.IP_OUT_NO_ROUTES);
            frame.release();
            return Errno.ENETUNREACH;
        }
        boolean broadcast = isBroadcast(destination);
        int nextHop = broadcast || (destination & mask) == (self & mask) ? destination : stack.config().gateway().bits();
        int totalLength = frame.readableBytes() - EthernetFrame.HEADER_LENGTH;
        int id = nextIdentification++ & 0xFFFF;
        // A device with TCP segmentation offload takes a larger TCP packet whole and cuts it to the MTU itself.
        if (totalLength <= stack.mtu() || (protocol == Ipv4Packet.PROTO_TCP && totalLength <= stack.tcpPacketLimit())) {
            writeHeader(frame, EthernetFrame.HEADER_LENGTH, totalLength, id, dontFragment, false, 0,
                    protocol, tos, destination);
            stack.arp().output(frame, nextHop, broadcast);
            return null;
        }
        if (dontFragment) {
            stack.counters().inc(Counter.IP_FRAG_FAILS);
            frame.release();
            return Errno.EMSGSIZE;
        }
        try {
            fragment(frame, totalLength, id, protocol, tos, destination, nextHop, broadcast);
        } finally {
            frame.release();
        }
        return null;
    }

    private void fragment(ByteBuf frame, int totalLength, int id, int protocol, int tos, int destination,
                          int nextHop, boolean broadcast) {
        // Each fragment but the last carries a multiple of 8 data bytes (RFC 791 3.2, "fragmentation").
        int perFragment = (stack.mtu() - Ipv4Packet.MIN_HEADER_LENGTH) & ~7;
        int payload = totalLength - Ipv4Packet.MIN_HEADER_LENGTH;
        int src = frame.readerIndex() + TRANSPORT_OFFSET;
        for (int off = 0; off < payload; off += perFragment) {
            int n = Math.min(perFragment, payload - off);
            boolean more = off + n < payload;
            ByteBuf f = allocate(n);
            f.setBytes(TRANSPORT_OFFSET, frame, src + off, n);
            writeHeader(f, EthernetFrame.HEADER_LENGTH, Ipv4Packet.MIN_HEADER_LENGTH + n, id, false, more, off,
                    protocol, tos, destination);
            stack.counters().inc(Counter.IP_FRAG_CREATES);
            stack.arp().output(f, nextHop, broadcast);
        }
        stack.counters().inc(Counter.IP_FRAG_OKS);
    }

    private void writeHeader(ByteBuf f, int at, int totalLength, int id, boolean df, boolean mf, int fragOffset,
                             int protocol, int tos, int destination) {
        Ipv4Header.emit(f, at, tos, totalLength, id, df, mf, fragOffset, stack.config().defaultTtl(), protocol,
                self, destination);
    }

    /** Expires reassembly; returns the next deadline. */
    public long poll(long now) {
        return reassembler.poll(now);
    }

    /** The reassembler, for inspection. */
    public Reassembler reassembler() {
        return reassembler;
    }

    /** Our address as an int. */
    public int address() {
        return self;
    }

    /** Releases held fragments. */
    public void shutdown() {
        reassembler.shutdown();
    }
}
