package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;

/**
 * A 48-bit IEEE 802 MAC address held in the low 48 bits of a {@code long} (first octet in bits 47..40).
 *
 * @param bits the address; bits 63..48 must be zero
 */
public record MacAddress(long bits) {

    /** Mask of the 48 address bits. */
    public static final long MASK = 0xFFFF_FFFF_FFFFL;
    /** ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(MASK);
    /** 00:00:00:00:00:00, e.g. the unknown target hardware address of an ARP request (RFC 826). */
    public static final MacAddress ZERO = new MacAddress(0);

    /** Validates that only the low 48 bits are used. */
    public MacAddress {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("MAC address bits out of 48-bit range: 0x" + Long.toHexString(bits));
        }
    }

    /** Parses the colon form {@code 02:00:00:00:00:01} (hex digits of either case). */
    public static MacAddress parse(String text) {
        if (text == null || text.length() != 17) {
            throw bad(text);
        }
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            int p = i * 3;
            if (i > 0 && text.charAt(p - 1) != ':') {
                throw bad(text);
            }
            int hi = Character.digit(text.charAt(p), 16);
            int lo = Character.digit(text.charAt(p + 1), 16);
            if (hi < 0 || lo < 0) {
                throw bad(text);
            }
            bits = (bits << 8) | (hi << 4) | lo;
        }
        return new MacAddress(bits);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not a MAC address (expected xx:xx:xx:xx:xx:xx): \"" + text + "\"");
    }

    /** Reads six bytes at absolute {@code index}. */
    public static MacAddress read(ByteBuf buf, int index) {
        return new MacAddress(readBits(buf, index));
    }

    /** Reads six bytes at absolute {@code index} as a 48-bit value, without allocating. */
    public static long readBits(ByteBuf buf, int index) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        return ((long) buf.getUnsignedShort(index) << 32) | buf.getUnsignedInt(index + 2);
    }

    /** Writes the low 48 bits of {@code bits} as six bytes at absolute {@code index}. */
    public static void writeBits(ByteBuf buf, int index, long bits) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        buf.setShort(index, (int) (bits >>> 32));
        buf.setInt(index + 2, (int) bits);
    }

    /** Writes this address as six bytes at absolute {@code index}. */
    public void write(ByteBuf buf, int index) {
        writeBits(buf, index, bits);
    }

    /** True for ff:ff:ff:ff:ff:ff. */
    public boolean isBroadcast() {
        return bits == MASK;
    }

    /** True if the group bit (least significant bit of the first octet, IEEE 802) is set; includes broadcast. */
    public boolean isMulticast() {
        return ((bits >>> 40) & 1) != 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (bits >>> shift) & 0xFF;
            if (shift != 40) {
                sb.append(':');
            }
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        return sb.toString();
    }
}
