package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.testing.Checks;

/** TcpSegment, TcpOptionReader, TcpOption and TcpHeader against hand-written bytes (RFC 9293 section 3.1). */
class TcpSegmentTest {

    static final int SRC = 0x0a000001;
    static final int DST = 0x0a000002;

    /**
     * SYN 10.0.0.1:49152 -> 10.0.0.2:80, seq 12345678, data offset 6, window ffff, option MSS 1460.
     * Checksum by hand: pseudo-header 0a00 + 0001 + 0a00 + 0002 + 0006 + 0018 = 1421;
     * header c000 + 0050 + 1234 + 5678 + 0000 + 0000 + 6002 + ffff + 0000 + 0000 + 0204 + 05b4 = 290b5;
     * 290b5 + 1421 = 2a4d6 -> a4d8; ~a4d8 = 5b27.
     */
    static final String SYN = "c0 00 00 50 | 12 34 56 78 | 00 00 00 00 | 60 02 ff ff | 5b 27 00 00 | 02 04 05 b4";

    /** Fixed header with data offset {@code words}, ACK, and the given option bytes, checksum zero. */
    static String header(int words, String options) {
        return "c0 00 00 50 00 00 00 01 00 00 00 02" + String.format("%02x", words << 4) + "10 01 00 00 00 00 00"
                + options;
    }

    private static TcpSegment view(ByteBuf buf) {
        return new TcpSegment().wrap(buf, 0, buf.capacity());
    }

    @Test
    void readsASyn() {
        Hex.with(SYN, buf -> {
            TcpSegment tcp = view(buf);
            assertNull(tcp.check());
            assertEquals(49152, tcp.sourcePort());
            assertEquals(80, tcp.destinationPort());
            assertEquals(0x12345678L, tcp.sequenceNumber());
            assertEquals(0L, tcp.acknowledgmentNumber());
            assertEquals(24, tcp.headerLength());
            assertEquals(TcpSegment.SYN, tcp.flags());
            assertTrue(tcp.has(TcpSegment.SYN));
            assertFalse(tcp.has(TcpSegment.SYN | TcpSegment.ACK));
            assertEquals(0xffff, tcp.window());
            assertEquals(0x5b27, tcp.checksum());
            assertEquals(0, tcp.urgentPointer());
            assertEquals(20, tcp.optionsOffset());
            assertEquals(4, tcp.optionsLength());
            assertEquals(24, tcp.payloadOffset());
            assertEquals(0, tcp.payloadLength());
            assertTrue(tcp.checksumValid(SRC, DST));
            assertFalse(tcp.checksumValid(DST, SRC + 1));
            assertEquals(new TcpHeader(49152, 80, 0x12345678L, 0, TcpSegment.SYN, 0xffff, 0,
                    List.of(new TcpOption.Mss(1460))), TcpHeader.parse(tcp));
        });
    }

    @Test
    void emitsTheSameSyn() {
        TcpHeader syn = new TcpHeader(49152, 80, 0x12345678L, 0, TcpSegment.SYN, 0xffff, 0,
                List.of(new TcpOption.Mss(1460)));
        assertEquals(24, syn.headerLength());
        Hex.withZeroed(24, buf -> {
            syn.emit(buf, 0, 0, SRC, DST);
            assertEquals(Hex.norm(SYN), Hex.dump(buf, 0, 24));
        });
    }

    @Test
    void highSequenceNumbersAreUnsigned() {
        Hex.withZeroed(20, buf -> {
            TcpSegment tcp = view(buf);
            tcp.setHeaderLength(20);
            tcp.setSequenceNumber(0xfffffffeL);
            tcp.setAcknowledgmentNumber(0x80000000L);
            tcp.setFlags(TcpSegment.CWR | TcpSegment.ECE | TcpSegment.ACK);
            tcp.setWindow(0x8000);
            tcp.fillChecksum(SRC, DST);
            assertNull(tcp.check());
            assertTrue(tcp.checksumValid(SRC, DST));
            assertEquals(0xfffffffeL, tcp.sequenceNumber());
            assertEquals(0x80000000L, tcp.acknowledgmentNumber());
            assertEquals(0xd0, tcp.flags());
            assertEquals(0x8000, tcp.window());
        });
    }

    @Test
    void readsTypicalSynAckOptionsWithTheReader() {
        // MSS 1460 | SACK-permitted | Timestamps 1, 0 | NOP | window scale 7: 20 bytes, data offset 10.
        String options = "02 04 05 b4 | 04 02 08 0a | 00 00 00 01 | 00 00 00 00 | 01 03 03 07";
        Hex.with(header(10, options) + "de ad", buf -> {
            TcpSegment tcp = view(buf);
            assertNull(tcp.check());
            assertEquals(2, tcp.payloadLength());
            TcpOptionReader r = new TcpOptionReader();
            assertTrue(r.reset(tcp));
            assertTrue(r.next());
            assertEquals(TcpOption.KIND_MSS, r.kind());
            assertEquals(1460, r.mss());
            assertThrows(IllegalStateException.class, r::windowShift);
            assertTrue(r.next());
            assertEquals(TcpOption.KIND_SACK_PERMITTED, r.kind());
            assertTrue(r.next());
            assertEquals(1L, r.timestampValue());
            assertEquals(0L, r.timestampEchoReply());
            assertTrue(r.next());
            assertEquals(TcpOption.KIND_NOP, r.kind());
            assertEquals(1, r.length());
            assertTrue(r.next());
            assertEquals(7, r.windowShift());
            assertFalse(r.next());
            assertFalse(r.next());
            assertEquals(List.of(new TcpOption.Mss(1460), TcpOption.SackPermitted.INSTANCE,
                    new TcpOption.Timestamps(1, 0), TcpOption.Nop.INSTANCE, new TcpOption.WindowScale(7)),
                    TcpHeader.parse(tcp).options());
        });
    }

    @Test
    @Checks({"MUST-5", "MUST-6"})
    void readsSackBlocksAndUnknownOptions() {
        // NOP NOP | SACK 2 blocks (len 18) | unknown kind 254 len 4 "abcd" | EOL + 0 padding: 28 bytes, offset 12.
        String options = "01 01 05 12 | 00 00 00 10 | 00 00 00 20 | ff ff ff f0 | 00 00 00 05 | fe 04 ab cd | 00 00 00 00";
        Hex.with(header(12, options), buf -> {
            TcpSegment tcp = view(buf);
            assertNull(tcp.check());
            TcpOptionReader r = new TcpOptionReader();
            assertTrue(r.reset(tcp));
            assertTrue(r.next());
            assertTrue(r.next());
            assertTrue(r.next());
            assertEquals(2, r.sackBlockCount());
            assertEquals(0x10L, r.sackLeft(0));
            assertEquals(0x20L, r.sackRight(0));
            assertEquals(0xfffffff0L, r.sackLeft(1));
            assertEquals(5L, r.sackRight(1));
            assertThrows(IndexOutOfBoundsException.class, () -> r.sackLeft(2));
            assertTrue(r.next());
            assertEquals(254, r.kind());
            assertEquals(2, r.dataLength());
            assertFalse(r.next());
            TcpHeader h = TcpHeader.parse(tcp);
            assertEquals(List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE,
                    new TcpOption.Sack(List.of(new SackBlock(0x10, 0x20), new SackBlock(0xfffffff0L, 5))),
                    new TcpOption.Unknown(254, Bytes.ofHex("abcd"))), h.options());
            // Emit pads the 24 option bytes with nothing: header length 44, so the trailing EOL word is gone.
            assertEquals(44, h.headerLength());
        });
    }

    @Test
    void bytesAfterEndOfListAreIgnoredPadding() {
        Hex.with(header(6, "00 fe 00 07"), buf -> {
            TcpSegment tcp = view(buf);
            assertNull(tcp.check());
            assertEquals(List.of(), TcpHeader.parse(tcp).options());
        });
    }

    @Test
    void emitPadsOptionsWithZeros() {
        TcpHeader h = new TcpHeader(1, 2, 3, 4, TcpSegment.ACK, 5, 0,
                List.of(TcpOption.Nop.INSTANCE, new TcpOption.WindowScale(14)));
        assertEquals(24, h.headerLength());
        Hex.with("ff".repeat(24) + "61", buf -> {
            h.emit(buf, 0, 1, SRC, DST);
            assertEquals(Hex.norm("01 03 03 0e"), Hex.dump(buf, 20, 4));
            TcpSegment tcp = view(buf);
            assertNull(tcp.check());
            assertTrue(tcp.checksumValid(SRC, DST));
            assertEquals(h, TcpHeader.parse(tcp));
        });
        // Five option bytes pad to eight; the three zero bytes are not parsed back as options.
        TcpHeader odd = new TcpHeader(1, 2, 3, 4, TcpSegment.ACK, 5, 0,
                List.of(new TcpOption.Mss(536), TcpOption.Nop.INSTANCE));
        Hex.with("ff".repeat(28), buf -> {
            odd.emit(buf, 0, 0, SRC, DST);
            assertEquals(Hex.norm("02 04 02 18 01 00 00 00"), Hex.dump(buf, 20, 8));
            assertEquals(odd, TcpHeader.parse(view(buf)));
        });
    }

    @Test
    void malformedHeaders() {
        assertError(WireError.TRUNCATED, "c0 00 00 50 00 00 00 01 00 00 00 02 50 10 01 00 00 00 00");
        assertError(WireError.BAD_HEADER_LENGTH, header(4, ""));            // data offset below 5
        assertError(WireError.BAD_HEADER_LENGTH, header(0, "00 00 00 00"));
        assertError(WireError.BAD_HEADER_LENGTH, header(6, ""));            // header past the bytes
        assertError(WireError.BAD_HEADER_LENGTH, header(15, "00".repeat(36)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "08 0a 00 00",              // timestamps (10 bytes) running past a 4-byte option area
        "fe 00 00 00",              // zero-length option
        "fe 01 00 00",              // length 1
        "01 01 01 fe",              // length byte missing at the end of the header
        "01 01 fe 03",              // length 3 runs past the header by one
        "02 03 05 00",              // MSS length 3
        "02 05 05 b4 00 00 00 00",  // MSS length 5
        "03 04 07 00",              // window scale length 4
        "03 02 00 00",              // window scale length 2
        "04 03 00 00",              // SACK-permitted length 3
        "05 02 00 00",              // SACK without blocks
        "05 06 00 00 00 00 00 00",  // SACK length 6 (not 2 + 8n)
        "05 0b 00 00 00 00 00 00 00 00 00 00", // SACK length 11
        "08 08 00 00 00 00 00 00",  // timestamps length 8
    })
    void malformedOptions(String options) {
        int words = 5 + Hex.bytes(options).length / 4;
        assertError(WireError.BAD_OPTION, header(words, options));
        Hex.with(header(words, options), buf -> assertFalse(new TcpOptionReader().reset(view(buf))));
    }

    @Test
    void recordValidation() {
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 1L << 32, 0, 0, 0, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 0, -1, 0, 0, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 0, 0, 256, 0, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 0, 0, 0, 0, 0,
                List.of(new TcpOption.Unknown(99, Bytes.of(new byte[38])), TcpOption.Nop.INSTANCE)));
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Unknown(2, Bytes.ofHex("0000")));
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Unknown(1, Bytes.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Sack(List.of()));
        SackBlock b = new SackBlock(1, 2);
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Sack(List.of(b, b, b, b, b)));
        assertThrows(IllegalArgumentException.class, () -> new SackBlock(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Mss(65536));
        assertEquals(14, new TcpOption.WindowScale(200).effectiveShift());
        assertEquals(40, new TcpHeader(0, 0, 0, 0, 0, 0, 0,
                List.of(new TcpOption.Unknown(99, Bytes.of(new byte[38])))).headerLength() - 20);
    }

    private static void assertError(WireError expected, String hex) {
        Hex.with(hex, buf -> {
            TcpSegment tcp = view(buf);
            assertEquals(expected, tcp.check());
            assertEquals(expected, assertThrows(WireFormatException.class, () -> TcpHeader.parse(tcp)).error());
        });
    }
}
