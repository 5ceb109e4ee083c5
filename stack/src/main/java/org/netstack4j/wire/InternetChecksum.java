package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit words.
 *
 * <p>A "sum" here is a partial one's complement sum: any non-negative value whose 16-bit fold is the running
 * sum. {@link #accumulate} and {@link #pseudoHeader} return sums already folded to 16 bits, so partial sums can
 * be added together freely. Everything is on primitives; nothing allocates.
 */
public final class InternetChecksum {

    /**
     * All of the address space as one segment, to read a direct buffer's memory by address without a bounds
     * check or a view object per call; null where native access is not granted (then every buffer is read
     * through its own accessors). The caller checks the bounds against the buffer first. Shared with
     * {@link DirectCopy}.
     */
    static final MemorySegment ADDRESS_SPACE = addressSpace();
    private static final ValueLayout.OfLong BIG_ENDIAN_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Below this, the buffer's own accessors are as fast and the direct path is not worth its checks. */
    private static final int DIRECT_MIN_LENGTH = 64;

    private InternetChecksum() {
    }

    private static MemorySegment addressSpace() {
        try {
            return MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
        } catch (IllegalCallerException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Adds the big-endian 16-bit words of {@code length} bytes at absolute {@code index} to {@code sum}; an odd
     * trailing byte is padded with a zero byte on the right (RFC 1071 section 4.1).
     *
     * @param sum a previous partial sum (treated as unsigned 32-bit)
     * @return the new partial sum, folded to 0..0xFFFF
     */
    public static int accumulate(ByteBuf buf, int index, int length, int sum) {
        // RFC 1071 section 2(B),(C): the sum is byte-order independent and may be taken over 32-bit words with
        // deferred carries, because 2^16 == 1 (mod 0xFFFF). A long cannot overflow for any ByteBuf length.
        long acc = sum & 0xFFFF_FFFFL;
        int end = index + length;
        int i = index;
        // Absolute reads on the buffer itself allocate nothing, whatever kind of buffer it is; past a leak
        // detector's wrapper (see LeakTracking) they do not record a stack trace per word either.
        ByteBuf b = LeakTracking.untracked(buf);
        if (length >= DIRECT_MIN_LENGTH && ADDRESS_SPACE != null && b.hasMemoryAddress()) {
            // Netty's accessors check the index and the reference count on every 8 bytes; check both once.
            if (index < 0 || end > b.capacity() || end < index) {
                throw new IndexOutOfBoundsException("checksum over " + index + ".." + end + " of " + b.capacity());
            }
            if (b.refCnt() == 0) {
                throw new io.netty.util.IllegalReferenceCountException(0);
            }
            long address = b.memoryAddress();
            // Two independent sums of 32-bit halves, without a carry check: each step adds under 2^33, and a
            // ByteBuf holds under 2^28 such steps, so neither can pass 2^61 (deferred carries, RFC 1071 2(C)).
            long even = 0;
            long odd = 0;
            for (; end - i >= 16; i += 16) {
                long w0 = ADDRESS_SPACE.get(BIG_ENDIAN_LONG, address + i);
                long w1 = ADDRESS_SPACE.get(BIG_ENDIAN_LONG, address + i + 8);
                even += (w0 >>> 32) + (w0 & 0xFFFF_FFFFL);
                odd += (w1 >>> 32) + (w1 & 0xFFFF_FFFFL);
            }
            acc = (long) fold(acc) + fold(even) + fold(odd);
        }
        for (; end - i >= 8; i += 8) {
            acc = add64(acc, b.getLong(i));
        }
        return fold(tail(acc, length >= 8 ? b.getLong(end - 8) : shortTail(b, i, end - i), end - i));
    }

    /** Adds a big-endian 64-bit word as two 32-bit words, keeping the accumulator far from overflow. */
    private static long add64(long acc, long w) {
        acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        return (acc & 0xC000_0000_0000_0000L) != 0 ? (acc & 0xFFFF_FFFFL) + (acc >>> 32) : acc;
    }

    /**
     * Adds the last {@code n} (0..7) bytes, given as the low bytes of {@code lastWord} (the 8 bytes ending where
     * the data ends), padded with a zero byte if odd (RFC 1071 section 4.1).
     */
    private static long tail(long acc, long lastWord, int n) {
        if (n == 0) {
            return acc;
        }
        // The n trailing bytes, moved to the top of a word and zero-padded on the right.
        long w = lastWord << (8 * (8 - n));
        return add64(acc, w);
    }

    /** Fewer than 8 bytes in all: read them one by one into the low bytes of a word. */
    private static long shortTail(ByteBuf buf, int from, int n) {
        long w = 0;
        for (int k = 0; k < n; k++) {
            w = (w << 8) | buf.getUnsignedByte(from + k);
        }
        return w;
    }

    /**
     * The partial sum of the IPv4 pseudo-header: source, destination, zero byte, protocol, and the transport
     * length (RFC 768; RFC 9293 section 3.1).
     */
    public static int pseudoHeader(int sourceIp, int destinationIp, int protocol, int length) {
        long acc = (sourceIp >>> 16) + (sourceIp & 0xFFFF) + (destinationIp >>> 16) + (destinationIp & 0xFFFF)
                + (protocol & 0xFF) + (length & 0xFFFF_FFFFL);
        return fold(acc);
    }

    /** Folds {@code sum} to 16 bits and complements it: the value for the checksum field (0..0xFFFF). */
    public static int finish(int sum) {
        return ~fold(sum & 0xFFFF_FFFFL) & 0xFFFF;
    }

    /** The checksum of {@code length} bytes at absolute {@code index}. */
    public static int compute(ByteBuf buf, int index, int length) {
        return finish(accumulate(buf, index, length, 0));
    }

    /**
     * True iff the bytes, whose stored checksum field is included in the range, sum together with
     * {@code initialSum} (e.g. a pseudo-header) to 0xFFFF (RFC 1071 section 1, step 3).
     */
    public static boolean verify(ByteBuf buf, int index, int length, int initialSum) {
        return accumulate(buf, index, length, initialSum) == 0xFFFF;
    }

    /**
     * Updates {@code checksum} after one 16-bit word of the covered data changed from {@code oldWord} to
     * {@code newWord}, per RFC 1624 equation 3: {@code HC' = ~(~HC + ~m + m')}. For the change of a 32-bit field
     * call it twice, once per half.
     */
    public static int adjust(int checksum, int oldWord, int newWord) {
        long acc = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** End-around-carry fold of a non-negative value to 16 bits. */
    private static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }
}
