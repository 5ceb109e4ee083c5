package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * check() on arbitrary bytes never throws; when it returns null every accessor stays inside the wrapped range
 * (the buffer ends exactly where the view ends, so a read past it throws); parse throws only
 * WireFormatException, and does so exactly when the structural check fails.
 */
class ViewFuzzProperties {

    private static void ethernetView(byte[] bytes, int at) {
        withView(bytes, at, (buf) -> {
            EthernetFrame v = new EthernetFrame().wrap(buf, at, bytes.length);
            WireError error = v.check();
            if (error == null) {
                v.destination();
                v.source();
                v.etherType();
                assertInside(at, bytes.length, v.payloadOffset(), v.payloadLength());
                EthernetHeader.parse(v);
            } else {
                assertEquals(error, assertThrows(WireFormatException.class, () -> EthernetHeader.parse(v)).error());
            }
        });
    }

    @Property(tries = 500)
    void arp(@ForAll("arpLike") byte[] bytes, @ForAll @IntRange(max = 3) int at) {
        arpView(bytes, at);
    }

    private static void arpView(byte[] bytes, int at) {
        withView(bytes, at, (buf) -> {
            ArpPacket v = new ArpPacket().wrap(buf, at, bytes.length);
            WireError error = v.check();
            if (error == null) {
                v.operation();
                v.senderHardware();
                v.senderProtocol();
                v.targetHardware();
                v.targetProtocol();
                ArpMessage.parse(v);
            } else {
                assertEquals(error, assertThrows(WireFormatException.class, () -> ArpMessage.parse(v)).error());
            }
        });
    }

    @Property(tries = 1000)
    void ipv4(@ForAll("ipv4Like") byte[] bytes, @ForAll @IntRange(max = 3) int at) {
        ipv4View(bytes, at);
    }

    private static void ipv4View(byte[] bytes, int at) {
        withView(bytes, at, (buf) -> {
            Ipv4Packet v = new Ipv4Packet().wrap(buf, at, bytes.length);
            WireError error = v.check();
            WireError structural = v.checkStructure();
            assertTrue(error == null ? structural == null : structural == null || structural == error);
            if (error == null) {
                v.version();
                v.tos();
                v.identification();
                v.dontFragment();
                v.moreFragments();
                v.isFragment();
                v.ttl();
                v.protocol();
                v.headerChecksum();
                v.source();
                v.destination();
                assertTrue(v.headerLength() >= Ipv4Packet.MIN_HEADER_LENGTH);
                assertInside(at, bytes.length, v.optionsOffset(), v.optionsLength());
                assertInside(at, bytes.length, v.payloadOffset(), v.payloadLength());
                assertTrue(v.fragmentOffset() + v.payloadLength() <= 0xFFFF);
                Ipv4Header.parse(v);
            } else if (structural != null) {
                assertEquals(structural, assertThrows(WireFormatException.class, () -> Ipv4Header.parse(v)).error());
            } else {
                Ipv4Header.parse(v);   // a bad checksum does not stop the record parse
            }
        });
    }

    private static void icmpView(byte[] bytes, int at) {
        withView(bytes, at, (buf) -> {
            IcmpPacket v = new IcmpPacket().wrap(buf, at, bytes.length);
            if (bytes.length >= IcmpPacket.HEADER_LENGTH && (bytes[0] & 1) == 0) {
                v.fillChecksum();   // make check() pass half of the time (withView works on a copy)
            }
            WireError error = v.check();
            if (error == null) {
                v.type();
                v.code();
                v.checksum();
                v.restOfHeader();
                v.identifier();
                v.sequence();
                v.nextHopMtu();
                assertInside(at, bytes.length, v.payloadOffset(), v.payloadLength());
                IcmpHeader.parse(v);
            } else if (error == WireError.TRUNCATED) {
                assertThrows(WireFormatException.class, () -> IcmpHeader.parse(v));
            }
        });
    }

    @Property(tries = 500)
    void udp(@ForAll("udpLike") byte[] bytes, @ForAll @IntRange(max = 3) int at, @ForAll int src, @ForAll int dst) {
        udpView(bytes, at, src, dst);
    }

    private static void udpView(byte[] bytes, int at, int src, int dst) {
        withView(bytes, at, (buf) -> {
            UdpDatagram v = new UdpDatagram().wrap(buf, at, bytes.length);
            WireError error = v.check();
            if (error == null) {
                v.sourcePort();
                v.destinationPort();
                v.checksum();
                v.checksumValid(src, dst);
                assertInside(at, bytes.length, v.payloadOffset(), v.payloadLength());
                v.fillChecksum(src, dst);
                assertTrue(v.checksumValid(src, dst));
                UdpHeader.parse(v);
            } else {
                assertEquals(error, assertThrows(WireFormatException.class, () -> UdpHeader.parse(v)).error());
            }
        });
    }

    /** Every view on the same fully random bytes. */
    @Property(tries = 1000)
    void anyViewOnRandomBytes(@ForAll @Size(max = 100) byte[] bytes, @ForAll @IntRange(max = 3) int at,
                              @ForAll int src, @ForAll int dst) {
        ethernetView(bytes, at);
        arpView(bytes, at);
        ipv4View(bytes, at);
        icmpView(bytes, at);
        udpView(bytes, at, src, dst);
        tcp(bytes, at);
    }

    @Property(tries = 1000)
    void tcpPlausible(@ForAll("tcpLike") byte[] bytes, @ForAll @IntRange(max = 3) int at) {
        tcp(bytes, at);
    }

    private static void tcp(byte[] bytes, int at) {
        withView(bytes, at, (buf) -> {
            TcpSegment v = new TcpSegment().wrap(buf, at, bytes.length);
            WireError error = v.check();
            TcpOptionReader reader = new TcpOptionReader();
            if (error == null) {
                v.sourcePort();
                v.destinationPort();
                v.sequenceNumber();
                v.acknowledgmentNumber();
                v.flags();
                v.window();
                v.checksum();
                v.urgentPointer();
                v.checksumValid(1, 2);
                assertInside(at, bytes.length, v.optionsOffset(), v.optionsLength());
                assertInside(at, bytes.length, v.payloadOffset(), v.payloadLength());
                assertTrue(reader.reset(v));
                int end = v.payloadOffset();
                while (reader.next()) {
                    readCurrent(reader);
                    int extent = reader.kind() == TcpOption.KIND_NOP ? 1 : reader.dataOffset() + reader.dataLength();
                    assertTrue(reader.kind() == TcpOption.KIND_NOP || extent <= end);
                }
                TcpHeader.parse(v);
            } else {
                assertEquals(error, assertThrows(WireFormatException.class, () -> TcpHeader.parse(v)).error());
                if (error == WireError.BAD_OPTION) {
                    assertTrue(!reader.reset(v));
                }
            }
        });
    }

    private static void readCurrent(TcpOptionReader r) {
        switch (r.kind()) {
            case TcpOption.KIND_MSS -> r.mss();
            case TcpOption.KIND_WINDOW_SCALE -> r.windowShift();
            case TcpOption.KIND_SACK -> {
                for (int i = 0; i < r.sackBlockCount(); i++) {
                    r.sackLeft(i);
                    r.sackRight(i);
                }
            }
            case TcpOption.KIND_TIMESTAMPS -> {
                r.timestampValue();
                r.timestampEchoReply();
            }
            default -> { }
        }
    }

    /** Wraps {@code bytes} after {@code at} junk bytes in a buffer that ends exactly at the last byte. */
    private static void withView(byte[] bytes, int at, Consumer<ByteBuf> body) {
        byte[] framed = new byte[at + bytes.length];
        java.util.Arrays.fill(framed, 0, at, (byte) 0x5a);
        System.arraycopy(bytes, 0, framed, at, bytes.length);
        ByteBuf buf = Unpooled.wrappedBuffer(framed);
        try {
            body.accept(buf);
        } finally {
            buf.release();
        }
    }

    private static void assertInside(int offset, int length, int index, int size) {
        assertTrue(size >= 0 && index >= offset && index + size <= offset + length,
                () -> "range " + index + "+" + size + " outside " + offset + "+" + length);
    }

    @Provide
    Arbitrary<byte[]> arpLike() {
        Arbitrary<byte[]> raw = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.bytes().array(byte[].class).ofMinSize(26).ofMaxSize(40));
        return Arbitraries.oneOf(raw, raw.map(b -> {
            byte[] fixed = Hex.bytes("0001 0800 06 04");
            System.arraycopy(fixed, 0, b, 0, Math.min(fixed.length, b.length));
            return b;
        }));
    }

    /** UDP-looking bytes: the Length field is often within the available bytes. */
    @Provide
    Arbitrary<byte[]> udpLike() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
        return raw.flatMap(b -> Arbitraries.integers().between(0, b.length + 2).map(length -> {
            if (b.length >= UdpDatagram.HEADER_LENGTH) {
                b[4] = (byte) (length >>> 8);
                b[5] = (byte) length.intValue();
            }
            return b;
        }));
    }

    /** IPv4-looking bytes: version 4, IHL mostly plausible, total length near the size, usually a good checksum. */
    @Provide
    Arbitrary<byte[]> ipv4Like() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMinSize(20).ofMaxSize(100);
        Arbitrary<Integer> ihl = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(5, 7)),
                Tuple.of(1, Arbitraries.integers().between(0, 15)));
        return raw.flatMap(b -> Combinators.combine(ihl,
                Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(b.length)),
                        Tuple.of(1, Arbitraries.integers().between(0, b.length + 10))),
                Arbitraries.of(0, 0, 0x2000, 0x1FFF, 0x1FF0, 0x4000), Arbitraries.of(true, true, true, false))
                .as((words, total, fragment, fixChecksum) -> {
                    byte[] copy = b.clone();
                    copy[0] = (byte) (0x40 | words);
                    copy[2] = (byte) (total >>> 8);
                    copy[3] = (byte) total.intValue();
                    copy[6] = (byte) (fragment >>> 8);
                    copy[7] = (byte) fragment.intValue();
                    if (fixChecksum && words >= 5 && words * 4 <= copy.length) {
                        ByteBuf buf = Unpooled.wrappedBuffer(copy);
                        try {
                            new Ipv4Packet().wrap(buf, 0, copy.length).fillChecksum();
                        } finally {
                            buf.release();
                        }
                    }
                    return copy;
                }));
    }

    /** TCP-looking bytes: a plausible data offset and an option area assembled from well- and ill-formed pieces. */
    @Provide
    Arbitrary<byte[]> tcpLike() {
        Arbitrary<byte[]> piece = Arbitraries.of(List.of(
                "00", "01", "02 04 05 b4", "03 03 07", "04 02", "08 0a 00 00 00 01 00 00 00 02",
                "05 0a 00 00 00 01 00 00 00 02", "05 12" + " 00".repeat(16), "fe 04 ab cd", "fe 02",
                "fe 00", "fe 01", "02 03 00", "03 04 00 00", "08 0a", "05 06 00 00 00 00", "fe 28", "ff")).map(Hex::bytes);
        Arbitrary<byte[]> options = piece.list().ofMaxSize(10).map(pieces -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pieces.forEach(out::writeBytes);
            return out.toByteArray();
        });
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMinSize(20).ofMaxSize(100);
        Arbitrary<Integer> dataOffset = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(5, 8)),
                Tuple.of(1, Arbitraries.integers().between(0, 15)));
        return Combinators.combine(raw, dataOffset, options).as((b, words, opts) -> {
            b[12] = (byte) (words << 4);
            System.arraycopy(opts, 0, b, 20, Math.max(0, Math.min(opts.length, b.length - 20)));
            return b;
        });
    }
}
