package org.netstack4j.packetdrill;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.netstack4j.wire.InternetChecksum;

/**
 * Builds the frames the runner injects (Ethernet, ARP, IPv4 with TCP, UDP or ICMP) and decodes the IPv4
 * packets the stack sends, as plain byte arrays. Kept apart from the stack's own wire classes on purpose: the
 * runner checks the stack, so it must not share its encoder.
 */
final class FrameCodec {
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;

    private FrameCodec() {
    }

    static byte[] ethernet(long dstMac, long srcMac, int type, byte[] payload) {
        byte[] f = new byte[14 + payload.length];
        putMac(f, 0, dstMac);
        putMac(f, 6, srcMac);
        put16(f, 12, type);
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    /** An ARP packet (RFC 826) for Ethernet and IPv4. */
    static byte[] arp(int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] a = new byte[28];
        put16(a, 0, 1);
        put16(a, 2, ETHERTYPE_IPV4);
        a[4] = 6;
        a[5] = 4;
        put16(a, 6, op);
        putMac(a, 8, senderMac);
        put32(a, 14, senderIp);
        putMac(a, 18, targetMac);
        put32(a, 24, targetIp);
        return a;
    }

    /** An IPv4 packet (RFC 791) around {@code payload}, header checksum filled in. */
    static byte[] ipv4(int tos, int ttl, int id, int protocol, int src, int dst, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[1] = (byte) tos;
        put16(p, 2, p.length);
        put16(p, 4, id);
        put16(p, 6, 0x4000); // DF, as Linux peers send
        p[8] = (byte) ttl;
        p[9] = (byte) protocol;
        put32(p, 12, src);
        put32(p, 16, dst);
        put16(p, 10, checksum(p, 0, 20, 0));
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    /** A TCP segment (RFC 9293 3.1) with zero payload bytes and its checksum over the pseudo-header. */
    static byte[] tcp(int src, int dst, int srcPort, int dstPort, long seq, long ack, int flags, int window,
                      int urgent, byte[] options, int payloadLength) {
        int hl = 20 + options.length;
        byte[] t = new byte[hl + payloadLength];
        put16(t, 0, srcPort);
        put16(t, 2, dstPort);
        put32(t, 4, (int) seq);
        put32(t, 8, (int) ack);
        t[12] = (byte) ((hl / 4) << 4 | (flags >> 8 & 1));
        t[13] = (byte) flags;
        put16(t, 14, window);
        put16(t, 18, urgent);
        System.arraycopy(options, 0, t, 20, options.length);
        put16(t, 16, transportChecksum(src, dst, WirePacket.TCP, t));
        return t;
    }

    /** A UDP datagram (RFC 768) with zero payload bytes. */
    static byte[] udp(int src, int dst, int srcPort, int dstPort, int payloadLength) {
        byte[] u = new byte[8 + payloadLength];
        put16(u, 0, srcPort);
        put16(u, 2, dstPort);
        put16(u, 4, u.length);
        int c = transportChecksum(src, dst, WirePacket.UDP, u);
        put16(u, 6, c == 0 ? 0xFFFF : c);
        return u;
    }

    /** An ICMP message (RFC 792): type, code, the 4-byte rest of header, then the quoted data. */
    static byte[] icmp(int type, int code, int restOfHeader, byte[] data) {
        byte[] m = new byte[8 + data.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        put32(m, 4, restOfHeader);
        System.arraycopy(data, 0, m, 8, data.length);
        put16(m, 2, checksum(m, 0, m.length, 0));
        return m;
    }

    private static int transportChecksum(int src, int dst, int protocol, byte[] segment) {
        int sum = InternetChecksum.pseudoHeader(src, dst, protocol, segment.length);
        return checksum(segment, 0, segment.length, sum);
    }

    private static int checksum(byte[] b, int off, int len, int initial) {
        ByteBuf buf = Unpooled.wrappedBuffer(b, off, len);
        return InternetChecksum.finish(InternetChecksum.accumulate(buf, 0, len, initial));
    }

    /**
     * The bytes of {@code options}, padded with NOPs to a multiple of four (RFC 9293 3.1: the header ends on
     * a 32-bit boundary).
     */
    static byte[] encodeOptions(List<TcpOpt> options) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (TcpOpt opt : options) {
            switch (opt) {
                case TcpOpt.Nop n -> o.write(TcpOpt.KIND_NOP);
                case TcpOpt.Eol e -> o.write(TcpOpt.KIND_EOL);
                case TcpOpt.Mss m -> o.writeBytes(new byte[] {TcpOpt.KIND_MSS, 4, (byte) (m.value() >> 8), (byte) m.value()});
                case TcpOpt.WScale w -> o.writeBytes(new byte[] {TcpOpt.KIND_WSCALE, 3, (byte) w.shift()});
                case TcpOpt.SackOk s -> o.writeBytes(new byte[] {TcpOpt.KIND_SACK_OK, 2});
                case TcpOpt.Sack s -> {
                    byte[] b = new byte[2 + 8 * s.blocks().size()];
                    b[0] = TcpOpt.KIND_SACK;
                    b[1] = (byte) b.length;
                    for (int i = 0; i < s.blocks().size(); i++) {
                        put32(b, 2 + 8 * i, (int) s.blocks().get(i).left());
                        put32(b, 6 + 8 * i, (int) s.blocks().get(i).right());
                    }
                    o.writeBytes(b);
                }
                case TcpOpt.Timestamp ts -> {
                    byte[] b = new byte[10];
                    b[0] = TcpOpt.KIND_TS;
                    b[1] = 10;
                    put32(b, 2, (int) ts.val());
                    put32(b, 6, (int) ts.ecr());
                    o.writeBytes(b);
                }
                case TcpOpt.FastOpen fo -> {
                    o.write(TcpOpt.KIND_FASTOPEN);
                    o.write(2 + fo.cookie().length);
                    o.writeBytes(fo.cookie());
                }
                case TcpOpt.Raw r -> {
                    o.write(r.kind());
                    o.write(2 + r.data().length);
                    o.writeBytes(r.data());
                }
                case TcpOpt.Unsupported u -> throw new IllegalArgumentException("cannot encode option " + u);
            }
        }
        while (o.size() % 4 != 0) {
            o.write(TcpOpt.KIND_NOP);
        }
        return o.toByteArray();
    }

    /** Decodes TCP options; a malformed list ends with a {@link TcpOpt.Raw} of the rest. */
    static List<TcpOpt> decodeOptions(byte[] b, int off, int end) {
        List<TcpOpt> out = new ArrayList<>();
        int i = off;
        while (i < end) {
            int kind = b[i] & 0xFF;
            if (kind == TcpOpt.KIND_EOL) {
                out.add(new TcpOpt.Eol());
                i++;
                continue;
            }
            if (kind == TcpOpt.KIND_NOP) {
                out.add(new TcpOpt.Nop());
                i++;
                continue;
            }
            int len = i + 1 < end ? b[i + 1] & 0xFF : 0;
            if (len < 2 || i + len > end) {
                out.add(new TcpOpt.Raw(kind, java.util.Arrays.copyOfRange(b, i + 1, end)));
                break;
            }
            int d = i + 2;
            out.add(switch (kind) {
                case TcpOpt.KIND_MSS -> len == 4 ? new TcpOpt.Mss(get16(b, d)) : raw(b, kind, d, i + len);
                case TcpOpt.KIND_WSCALE -> len == 3 ? new TcpOpt.WScale(b[d] & 0xFF) : raw(b, kind, d, i + len);
                case TcpOpt.KIND_SACK_OK -> len == 2 ? new TcpOpt.SackOk() : raw(b, kind, d, i + len);
                case TcpOpt.KIND_TS -> len == 10 ? new TcpOpt.Timestamp(get32(b, d), get32(b, d + 4)) : raw(b, kind, d, i + len);
                case TcpOpt.KIND_SACK -> {
                    if ((len - 2) % 8 != 0) {
                        yield raw(b, kind, d, i + len);
                    }
                    List<TcpOpt.Block> blocks = new ArrayList<>();
                    for (int k = d; k < i + len; k += 8) {
                        blocks.add(new TcpOpt.Block(get32(b, k), get32(b, k + 4)));
                    }
                    yield new TcpOpt.Sack(List.copyOf(blocks));
                }
                case TcpOpt.KIND_FASTOPEN -> new TcpOpt.FastOpen(java.util.Arrays.copyOfRange(b, d, i + len));
                default -> raw(b, kind, d, i + len);
            });
            i += len;
        }
        return out;
    }

    private static TcpOpt raw(byte[] b, int kind, int from, int to) {
        return new TcpOpt.Raw(kind, java.util.Arrays.copyOfRange(b, from, to));
    }

    /** Decodes an IPv4 packet, or returns null if it is too short to be one. */
    static WirePacket decode(byte[] p) {
        if (p.length < 20) {
            return null;
        }
        int version = (p[0] & 0xFF) >> 4;
        int hl = (p[0] & 0x0F) * 4;
        int total = get16(p, 2);
        if (hl < 20 || p.length < hl || total < hl || total > p.length) {
            return null;
        }
        boolean checksumOk = checksum(p, 0, hl, 0) == 0;
        int protocol = p[9] & 0xFF;
        int src = (int) get32(p, 12);
        int dst = (int) get32(p, 16);
        int sp = 0;
        int dp = 0;
        long seq = 0;
        long ack = 0;
        int doff = 0;
        int flags = 0;
        int win = 0;
        int urg = 0;
        List<TcpOpt> options = List.of();
        int payload = 0;
        int type = 0;
        int code = 0;
        int t = hl;
        if (protocol == WirePacket.TCP && total - t >= 20) {
            sp = get16(p, t);
            dp = get16(p, t + 2);
            seq = get32(p, t + 4);
            ack = get32(p, t + 8);
            doff = ((p[t + 12] & 0xFF) >> 4) * 4;
            flags = (p[t + 13] & 0xFF) | (p[t + 12] & 1) << 8;
            win = get16(p, t + 14);
            urg = get16(p, t + 18);
            int optEnd = Math.min(t + Math.max(doff, 20), total);
            options = decodeOptions(p, t + 20, optEnd);
            payload = Math.max(0, total - t - doff);
        } else if (protocol == WirePacket.UDP && total - t >= 8) {
            sp = get16(p, t);
            dp = get16(p, t + 2);
            payload = get16(p, t + 4) - 8;
        } else if (protocol == WirePacket.ICMP && total - t >= 8) {
            type = p[t] & 0xFF;
            code = p[t + 1] & 0xFF;
            payload = total - t - 8;
        }
        return new WirePacket(version, hl, total, p[1] & 0xFF, p[8] & 0xFF, protocol, checksumOk, src, dst, sp, dp,
                seq, ack, doff, flags, win, urg, List.copyOf(options), payload, type, code);
    }

    static int get16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    static long get32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF))
                & 0xFFFF_FFFFL;
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 8);
        b[i + 1] = (byte) v;
    }

    static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 24);
        b[i + 1] = (byte) (v >> 16);
        b[i + 2] = (byte) (v >> 8);
        b[i + 3] = (byte) v;
    }

    static long getMac(byte[] b, int i) {
        long m = 0;
        for (int k = 0; k < 6; k++) {
            m = m << 8 | (b[i + k] & 0xFF);
        }
        return m;
    }

    static void putMac(byte[] b, int i, long mac) {
        for (int k = 5; k >= 0; k--) {
            b[i + k] = (byte) mac;
            mac >>= 8;
        }
    }
}
