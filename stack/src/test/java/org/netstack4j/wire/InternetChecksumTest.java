package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    /** The sum as RFC 1071 defines it, 16 bits at a time: the reference for both reading paths. */
    private static int referenceSum(byte[] data, int from, int length) {
        long acc = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = data[from + i] & 0xFF;
            int lo = i + 1 < length ? data[from + i + 1] & 0xFF : 0;
            acc += (hi << 8) | lo;
        }
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    @Test
    void agreesWithTheDefinitionForEveryLengthAndOffsetWithAndWithoutLeakDetection() {
        // Tests run with leak detection at paranoid level (buffers wrapped); production runs without it. Check
        // both, on heap and direct buffers.
        byte[] data = new byte[300];
        new java.util.Random(5).nextBytes(data);
        io.netty.util.ResourceLeakDetector.Level saved = io.netty.util.ResourceLeakDetector.getLevel();
        ByteBuf heap = Unpooled.wrappedBuffer(data);
        ByteBuf direct = Unpooled.directBuffer(data.length).writeBytes(data);
        // A pooled direct buffer has a memory address: the sum reads it by address, past Netty's accessors.
        ByteBuf pooled = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(data.length + 16);
        pooled.writeZero(16).writeBytes(data).readerIndex(16);
        ByteBuf pooledView = pooled.slice(); // index 0 = data[0], at an address 16 bytes into the buffer
        assertTrue(pooledView.hasMemoryAddress(), "no buffer here takes the by-address path");
        try {
            for (io.netty.util.ResourceLeakDetector.Level level : new io.netty.util.ResourceLeakDetector.Level[] {
                    io.netty.util.ResourceLeakDetector.Level.DISABLED, saved}) {
                io.netty.util.ResourceLeakDetector.setLevel(level);
                for (int from = 0; from < 9; from++) {
                    for (int length = 0; length + from <= data.length; length += length < 40 ? 1 : 37) {
                        int expected = referenceSum(data, from, length);
                        assertEquals(expected, InternetChecksum.accumulate(heap, from, length, 0), level + " heap " + from + "+" + length);
                        assertEquals(expected, InternetChecksum.accumulate(direct, from, length, 0), level + " direct " + from + "+" + length);
                        assertEquals(expected, InternetChecksum.accumulate(pooledView, from, length, 0),
                                level + " by address " + from + "+" + length);
                        assertEquals(expected, InternetChecksum.accumulate(pooled, 16 + from, length, 0),
                                level + " pooled " + from + "+" + length);
                    }
                }
            }
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(saved);
            heap.release();
            direct.release();
            pooled.release();
        }
    }

    @Test
    void theByAddressPathChecksBoundsAndLifeAsTheAccessorsDo() {
        ByteBuf pooled = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(256).writeZero(256);
        assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.accumulate(pooled, 200, 100, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.accumulate(pooled, -8, 100, 0));
        ByteBuf released = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(256).writeZero(256);
        released.release();
        assertThrows(io.netty.util.IllegalReferenceCountException.class,
                () -> InternetChecksum.accumulate(released, 0, 128, 0));
        pooled.release();
    }

    @Test
    void rfc1071Section3NumericalExample() {
        // RFC 1071 section 3: 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf2; checksum ~ddf2 = 220d.
        Hex.with("00 01 f2 03 f4 f5 f6 f7", buf -> {
            assertEquals(0xddf2, InternetChecksum.accumulate(buf, 0, 8, 0));
            assertEquals(0x220d, InternetChecksum.compute(buf, 0, 8));
        });
    }

    @Test
    void oddLengthPadsTheLastByteOnTheRight() {
        // 0102 + 0300 = 0402; ~0402 = fbfd.
        Hex.with("01 02 03", buf -> assertEquals(0xfbfd, InternetChecksum.compute(buf, 0, 3)));
        // Odd start index: same bytes one position in.
        Hex.with("ff 01 02 03", buf -> assertEquals(0xfbfd, InternetChecksum.compute(buf, 1, 3)));
    }

    @Test
    void emptyRangeAndRunningSum() {
        Hex.with("", buf -> assertEquals(0xffff, InternetChecksum.compute(buf, 0, 0)));
        Hex.with("00 01 f2 03 f4 f5 f6 f7", buf -> {
            int first = InternetChecksum.accumulate(buf, 0, 3, 0);
            // Splitting at an even boundary gives the same sum.
            int a = InternetChecksum.accumulate(buf, 0, 4, 0);
            assertEquals(0xddf2, InternetChecksum.accumulate(buf, 4, 4, a));
            assertEquals(0x0001 + 0xf200, first);
        });
    }

    @Test
    void pseudoHeaderSum() {
        // 10.0.0.1 -> 10.0.0.2, TCP, length 20: 0a00+0001+0a00+0002+0006+0014 = 141d.
        assertEquals(0x141d, InternetChecksum.pseudoHeader(0x0a000001, 0x0a000002, 6, 20));
        // High addresses carry: ffff+ffff+ffff+ffff+0011+ffff = 5fffb+11 -> fold.
        int sum = InternetChecksum.pseudoHeader(-1, -1, 17, 0xffff);
        assertEquals(fold(0xffffL * 5 + 0x11), sum);
    }

    @Test
    void verifyIncludesTheStoredChecksum() {
        Hex.with("00 01 f2 03 f4 f5 f6 f7 22 0d", buf -> {
            assertTrue(InternetChecksum.verify(buf, 0, 10, 0));
            buf.setByte(9, 0x0e);
            assertFalse(InternetChecksum.verify(buf, 0, 10, 0));
        });
    }

    @Test
    void finishFoldsAnyIntSum() {
        assertEquals(0xffff, InternetChecksum.finish(0));
        assertEquals(0x0000, InternetChecksum.finish(0xffff));
        // 0xffffffff folds to 0x1fffe -> 0xffff, so the checksum is 0.
        assertEquals(0x0000, InternetChecksum.finish(-1));
        assertEquals(~0x0002 & 0xffff, InternetChecksum.finish(0x00010001));
    }

    @Test
    void longRangesDoNotOverflow() {
        byte[] data = new byte[70001];
        Arrays.fill(data, (byte) 0xff);
        Hex.with(data, buf -> {
            // 35000 words of ffff (one's complement zero) plus the odd tail ff00: the sum is ff00.
            assertEquals(0xff00, InternetChecksum.accumulate(buf, 0, data.length, 0));
            assertEquals(reference(data, 0, data.length), InternetChecksum.accumulate(buf, 0, data.length, 0));
        });
    }

    @Property(tries = 500)
    void matchesAWordByWordReference(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 3) int skip,
                                     @ForAll int initial) {
        Assume.that(skip <= data.length);
        Hex.with(data, buf -> {
            long expected = fold(reference(data, skip, data.length - skip) + (initial & 0xffffffffL));
            assertEquals(expected, InternetChecksum.accumulate(buf, skip, data.length - skip, initial));
        });
    }

    /**
     * RFC 1624 section 3, equation 3: updating incrementally equals recomputing, except when the new data is all
     * zero (then the full computation gives ffff and eqn. 3 gives 0000, both meaning "sum is zero").
     */
    @Property(tries = 1000)
    void incrementalUpdateEqualsRecomputation(@ForAll @Size(min = 1, max = 30) short[] words,
                                              @ForAll @IntRange(max = 29) int at, @ForAll short newWord) {
        Assume.that(at < words.length);
        ByteBuf buf = Unpooled.buffer(words.length * 2);
        try {
            for (short w : words) {
                buf.writeShort(w);
            }
            int before = InternetChecksum.compute(buf, 0, buf.capacity());
            int oldWord = buf.getUnsignedShort(at * 2);
            buf.setShort(at * 2, newWord);
            Assume.that(!allZero(buf));
            int recomputed = InternetChecksum.compute(buf, 0, buf.capacity());
            assertEquals(recomputed, InternetChecksum.adjust(before, oldWord, newWord & 0xffff));
        } finally {
            buf.release();
        }
    }

    @Test
    void incrementalUpdateOfATtlDecrement() {
        // The IPv4 header from Ipv4PacketTest: checksum 0a88, word 4006 (TTL 64, TCP) becomes 3f06 (TTL 63).
        // ~0a88 + ~4006 + 3f06 = f577 + bff9 + 3f06 = 1f476 -> f477; ~f477 = 0b88.
        assertEquals(0x0b88, InternetChecksum.adjust(0x0a88, 0x4006, 0x3f06));
    }

    private static boolean allZero(ByteBuf buf) {
        for (int i = 0; i < buf.capacity(); i++) {
            if (buf.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }

    static long reference(byte[] data, int from, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = data[from + i] & 0xff;
            int lo = i + 1 < length ? data[from + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        return fold(sum);
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
