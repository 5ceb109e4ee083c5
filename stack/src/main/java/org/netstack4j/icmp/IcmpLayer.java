package org.netstack4j.icmp;

import io.netty.buffer.ByteBuf;
import org.netstack4j.ipv4.Ipv4Layer;
import org.netstack4j.socket.Errno;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stats.Counter;
import org.netstack4j.wire.IcmpHeader;
import org.netstack4j.wire.IcmpPacket;
import org.netstack4j.wire.InternetChecksum;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.WireError;

/**
 * ICMPv4 (RFC 792, RFC 1122 section 3.2.2): answers echo requests of any size reassembly allows, sends
 * destination-unreachable and time-exceeded errors under a token-bucket rate limit, and hands errors that
 * quote one of our UDP datagrams to the matching socket, and those that quote a TCP segment (including
 * "fragmentation needed" for path MTU discovery) to TCP, which validates them.
 */
public final class IcmpLayer {
    /** Largest ICMP error datagram: RFC 1812 4.3.2.3 quotes "as much as possible without exceeding 576". */
    static final int MAX_ERROR_DATAGRAM = 576;

    private final NetStack stack;
    private final IcmpPacket rx = new IcmpPacket();
    private final Ipv4Packet quoted = new Ipv4Packet();
    private final TokenBucket errorLimit;
    private EchoReplyListener echoListener = (from, id, seq, len, at) -> { };

    /** The ICMP layer of {@code stack}. */
    public IcmpLayer(NetStack stack) {
        this.stack = stack;
        this.errorLimit = new TokenBucket(stack.config().icmpErrorsPerSecond(), stack.config().icmpErrorBurst());
    }

    /** Sets who hears echo replies. */
    public void setEchoReplyListener(EchoReplyListener listener) {
        this.echoListener = listener;
    }

    /** Handles one ICMP message carried by the checked packet {@code ip} in {@code buf}. */
    public void receive(ByteBuf buf, Ipv4Packet ip, boolean broadcast) {
        stack.counters().inc(Counter.ICMP_IN_MSGS);
        IcmpPacket icmp = rx.wrap(buf, ip.payloadOffset(), ip.payloadLength());
        WireError err = icmp.check();
        if (err != null) {
            stack.counters().inc(err == WireError.BAD_CHECKSUM ? Counter.ICMP_IN_CSUM_ERRORS : Counter.ICMP_IN_ERRORS);
            if (err == WireError.BAD_CHECKSUM) {
                stack.counters().inc(Counter.ICMP_IN_ERRORS);
            }
            return;
        }
        switch (icmp.type()) {
            case IcmpPacket.TYPE_ECHO_REQUEST -> {
                stack.counters().inc(Counter.ICMP_IN_ECHOS);
                // Like Linux's icmp_echo_ignore_broadcasts=1: no smurf amplification (RFC 1122 3.2.2.6 allows it).
                if (!broadcast) {
                    echoReply(buf, ip, icmp);
                }
            }
            case IcmpPacket.TYPE_ECHO_REPLY -> {
                stack.counters().inc(Counter.ICMP_IN_ECHO_REPS);
                echoListener.echoReply(new Ipv4Address(ip.source()), icmp.identifier(), icmp.sequence(),
                        icmp.payloadLength(), stack.now());
            }
            case IcmpPacket.TYPE_DEST_UNREACHABLE -> {
                stack.counters().inc(Counter.ICMP_IN_DEST_UNREACHS);
                deliverError(buf, icmp, unreachableErrno(icmp.code()), true);
            }
            case IcmpPacket.TYPE_TIME_EXCEEDED -> {
                stack.counters().inc(Counter.ICMP_IN_TIME_EXCDS);
                // Linux maps it to EHOSTUNREACH; only TCP hears it here (a soft error there, RFC 1122 4.2.3.9).
                deliverError(buf, icmp, Errno.EHOSTUNREACH, false);
            }
            default -> {
                // Other types (timestamp, redirect, ...) are not acted on by a host like us.
            }
        }
    }

    private static Errno unreachableErrno(int code) {
        // The mapping Linux uses in icmp_err_convert (net/ipv4/icmp.c), RFC 1122 3.2.2.1.
        return switch (code) {
            case IcmpPacket.CODE_NET_UNREACHABLE -> Errno.ENETUNREACH;
            case IcmpPacket.CODE_PORT_UNREACHABLE -> Errno.ECONNREFUSED;
            case IcmpPacket.CODE_PROTOCOL_UNREACHABLE -> Errno.ENOPROTOOPT;
            case IcmpPacket.CODE_FRAGMENTATION_NEEDED -> Errno.EMSGSIZE;
            default -> Errno.EHOSTUNREACH;
        };
    }

    /** Finds the datagram an error quotes (RFC 792: its IP header and first 8 data bytes) and tells its socket. */
    private void deliverError(ByteBuf buf, IcmpPacket icmp, Errno errno, boolean toUdp) {
        Ipv4Packet q = quoted.wrap(buf, icmp.payloadOffset(), icmp.payloadLength());
        // The quote is truncated by design, so check only what we read: the header and 8 bytes after it.
        if (icmp.payloadLength() < Ipv4Packet.MIN_HEADER_LENGTH || q.version() != 4
                || q.headerLength() < Ipv4Packet.MIN_HEADER_LENGTH
                || icmp.payloadLength() < q.headerLength() + 8 || q.source() != stack.ipv4().address()) {
            stack.counters().inc(Counter.ICMP_IN_ERRORS);
            return;
        }
        if (q.fragmentOffset() != 0) {
            return;
        }
        int at = icmp.payloadOffset() + q.headerLength();
        int srcPort = buf.getUnsignedShort(at);
        int dstPort = buf.getUnsignedShort(at + 2);
        if (q.protocol() == Ipv4Packet.PROTO_UDP && toUdp) {
            stack.udp().icmpError(srcPort, q.destination(), dstPort, errno);
        } else if (q.protocol() == Ipv4Packet.PROTO_TCP) {
            // The 8 quoted bytes of TCP are the ports and the sequence number (RFC 792, RFC 5927 4.1).
            int nextHopMtu = errno == Errno.EMSGSIZE ? icmp.nextHopMtu() : 0;
            stack.tcp().icmpError(q.destination(), dstPort, srcPort, buf.getInt(at + 4), q.totalLength(), errno,
                    nextHopMtu);
        }
    }

    private void echoReply(ByteBuf buf, Ipv4Packet ip, IcmpPacket request) {
        int length = ip.payloadLength();
        ByteBuf f = stack.ipv4().allocate(length);
        f.setBytes(Ipv4Layer.TRANSPORT_OFFSET, buf, ip.payloadOffset(), length);
        // Only the type changes (8 -> 0): update the checksum incrementally (RFC 1624 eqn. 3).
        int at = Ipv4Layer.TRANSPORT_OFFSET;
        int oldWord = f.getUnsignedShort(at);
        f.setByte(at, IcmpPacket.TYPE_ECHO_REPLY);
        f.setShort(at + 2, InternetChecksum.adjust(f.getUnsignedShort(at + 2), oldWord, f.getUnsignedShort(at)));
        stack.counters().inc(Counter.ICMP_OUT_MSGS);
        stack.counters().inc(Counter.ICMP_OUT_ECHO_REPS);
        stack.ipv4().output(f, ip.source(), Ipv4Packet.PROTO_ICMP, ip.tos(), false);
    }

    /** Sends an echo request (ping) with {@code dataLength} bytes of pattern data; null or why it failed. */
    public Errno sendEchoRequest(Ipv4Address to, int identifier, int sequence, int dataLength) {
        ByteBuf f = stack.ipv4().allocate(IcmpPacket.HEADER_LENGTH + dataLength);
        int data = Ipv4Layer.TRANSPORT_OFFSET + IcmpPacket.HEADER_LENGTH;
        byte[] pattern = new byte[dataLength];
        for (int i = 0; i < dataLength; i++) {
            pattern[i] = (byte) i;
        }
        f.setBytes(data, pattern);
        new IcmpHeader(IcmpPacket.TYPE_ECHO_REQUEST, 0, identifier << 16 | sequence)
                .emit(f, Ipv4Layer.TRANSPORT_OFFSET, dataLength);
        stack.counters().inc(Counter.ICMP_OUT_MSGS);
        stack.counters().inc(Counter.ICMP_OUT_ECHOS);
        return stack.ipv4().output(f, to.bits(), Ipv4Packet.PROTO_ICMP, 0, false);
    }

    /** Sends destination-unreachable with {@code code} about the checked datagram {@code ip} in {@code buf}. */
    public void sendDestinationUnreachable(int code, ByteBuf buf, Ipv4Packet ip) {
        if (mayAnswer(ip)) {
            stack.counters().inc(Counter.ICMP_OUT_DEST_UNREACHS);
            sendError(IcmpPacket.TYPE_DEST_UNREACHABLE, code, buf, ip.offset(), ip.totalLength(), ip.source());
        }
    }

    /** Sends time-exceeded (fragment reassembly) quoting the saved first fragment (header + 8 bytes). */
    public void sendReassemblyTimeExceeded(ByteBuf firstFragmentQuote) {
        Ipv4Packet ip = quoted.wrap(firstFragmentQuote, 0, firstFragmentQuote.readableBytes());
        int source = ip.source();
        if (isUnicast(source) && errorLimit.tryTake(stack.now())) {
            stack.counters().inc(Counter.ICMP_OUT_TIME_EXCDS);
            sendError(IcmpPacket.TYPE_TIME_EXCEEDED, IcmpPacket.CODE_REASSEMBLY_TIME_EXCEEDED, firstFragmentQuote,
                    0, firstFragmentQuote.readableBytes(), source);
        } else {
            stack.counters().inc(Counter.ICMP_OUT_RATE_LIMITED);
        }
    }

    /**
     * RFC 1122 3.2.2: never answer an ICMP error with an error, nor a datagram to a broadcast or multicast
     * address, nor a non-first fragment, nor one from a source that is not a single host; then the rate limit.
     */
    private boolean mayAnswer(Ipv4Packet ip) {
        if (!isUnicast(ip.source()) || ip.fragmentOffset() != 0 || stack.ipv4().isBroadcast(ip.destination())
                || isMulticast(ip.destination())) {
            return false;
        }
        if (ip.protocol() == Ipv4Packet.PROTO_ICMP && ip.payloadLength() >= 1) {
            int type = ip.buffer().getUnsignedByte(ip.payloadOffset());
            if (type != IcmpPacket.TYPE_ECHO_REQUEST && type != IcmpPacket.TYPE_ECHO_REPLY && type != 13
                    && type != 14) {
                return false;
            }
        }
        if (!errorLimit.tryTake(stack.now())) {
            stack.counters().inc(Counter.ICMP_OUT_RATE_LIMITED);
            return false;
        }
        return true;
    }

    private boolean isUnicast(int address) {
        return address != 0 && address != -1 && !isMulticast(address)
                && !stack.ipv4().isBroadcast(address);
    }

    private void sendError(int type, int code, ByteBuf buf, int ipOffset, int ipLength, int to) {
        int quote = Math.min(ipLength, MAX_ERROR_DATAGRAM - Ipv4Packet.MIN_HEADER_LENGTH - IcmpPacket.HEADER_LENGTH);
        ByteBuf f = stack.ipv4().allocate(IcmpPacket.HEADER_LENGTH + quote);
        f.setBytes(Ipv4Layer.TRANSPORT_OFFSET + IcmpPacket.HEADER_LENGTH, buf, ipOffset, quote);
        new IcmpHeader(type, code, 0).emit(f, Ipv4Layer.TRANSPORT_OFFSET, quote);
        stack.counters().inc(Counter.ICMP_OUT_MSGS);
        stack.ipv4().output(f, to, Ipv4Packet.PROTO_ICMP, 0, false);
    }

    /** Used by UDP for a datagram to a closed port (RFC 1122 4.1.3.1). */
    public void sendPortUnreachable(ByteBuf buf, Ipv4Packet ip) {
        sendDestinationUnreachable(IcmpPacket.CODE_PORT_UNREACHABLE, buf, ip);
    }

    private static boolean isMulticast(int address) {
        return (address & 0xF000_0000) == 0xE000_0000;
    }
}
