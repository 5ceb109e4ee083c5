package org.netstack4j.tracediff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic libpcap file (either byte order, micro- or nanosecond timestamps) whose link type is
 * Ethernet (1) or raw IPv4 (101, 228). Every frame comes back as its captured bytes, Ethernet frames with the
 * 14-byte header stripped, so that callers always see an IPv4 packet first.
 */
public final class PcapReader {
    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_RAW = 101;
    private static final int LINKTYPE_IPV4 = 228;

    /** One captured IPv4 packet and when it was seen (microseconds since the epoch of the capture). */
    public record Packet(long timeMicros, byte[] ipv4) {}

    private PcapReader() {}

    /**
     * Every IPv4 packet of the file in capture order; non-IPv4 Ethernet frames (ARP, IPv6) are left out.
     *
     * @throws IOException if the file cannot be read, is not a pcap file, or has a link type we do not read
     */
    public static List<Packet> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 24) {
            throw new IOException(file + ": too short for a pcap file");
        }
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            throw new IOException(file + ": not a pcap file (pcapng is not read; convert with editcap -F pcap)");
        }
        boolean nanos = magic == MAGIC_NANOS;
        int linkType = b.getInt(20) & 0xFFFF;
        if (linkType != LINKTYPE_ETHERNET && linkType != LINKTYPE_RAW && linkType != LINKTYPE_IPV4) {
            throw new IOException(file + ": link type " + linkType + " is not read (Ethernet or raw IPv4 only)");
        }
        List<Packet> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= b.limit()) {
            long sec = b.getInt(pos) & 0xFFFF_FFFFL;
            long frac = b.getInt(pos + 4) & 0xFFFF_FFFFL;
            int caplen = b.getInt(pos + 8);
            pos += 16;
            if (caplen < 0 || pos + caplen > b.limit()) {
                throw new IOException(file + ": truncated record at byte " + (pos - 16));
            }
            int start = pos;
            int len = caplen;
            pos += caplen;
            if (linkType == LINKTYPE_ETHERNET) {
                if (len < 14 || b.get(start + 12) != 0x08 || b.get(start + 13) != 0x00) { // EtherType IPv4, network order
                    continue;
                }
                start += 14;
                len -= 14;
            }
            byte[] ip = new byte[len];
            b.get(start, ip);
            out.add(new Packet(sec * 1_000_000 + (nanos ? frac / 1000 : frac), ip));
        }
        return out;
    }
}
