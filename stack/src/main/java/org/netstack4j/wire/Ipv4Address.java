package org.netstack4j.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address as a 32-bit {@code int} in network order (first octet in bits 31..24).
 *
 * @param bits the address
 */
public record Ipv4Address(int bits) {

    /** 0.0.0.0, the unspecified address. */
    public static final Ipv4Address ANY = new Ipv4Address(0);
    /** 255.255.255.255, the limited broadcast address (RFC 919). */
    public static final Ipv4Address BROADCAST = new Ipv4Address(-1);

    /** Builds an address from four octets, each 0..255. */
    public static Ipv4Address of(int a, int b, int c, int d) {
        if (((a | b | c | d) & ~0xFF) != 0) {
            throw new IllegalArgumentException("IPv4 octet out of range 0..255: " + a + "." + b + "." + c + "." + d);
        }
        return new Ipv4Address((a << 24) | (b << 16) | (c << 8) | d);
    }

    /** Converts a JDK address; it must be an {@link Inet4Address}. */
    public static Ipv4Address of(InetAddress address) {
        if (!(address instanceof Inet4Address v4)) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        byte[] b = v4.getAddress();
        return of(b[0] & 0xFF, b[1] & 0xFF, b[2] & 0xFF, b[3] & 0xFF);
    }

    /**
     * Parses strict dotted-quad notation: exactly four decimal octets 0..255 separated by dots, no signs, no
     * whitespace, and no leading zeros (so {@code 010.0.0.1} is rejected rather than guessed octal or decimal).
     */
    public static Ipv4Address parse(String text) {
        if (text == null) {
            throw bad(null);
        }
        int bits = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                throw bad(text);
            }
            bits = (bits << 8) | value;
            octets++;
            if (octets == 4) {
                break;
            }
            if (i >= n || text.charAt(i) != '.') {
                throw bad(text);
            }
            i++;
        }
        if (i != n) {
            throw bad(text);
        }
        return new Ipv4Address(bits);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IPv4 address (expected a.b.c.d, each 0..255): \"" + text + "\"");
    }

    /** Dotted-quad form of {@code bits}, without allocating an {@link Ipv4Address}. */
    public static String toString(int bits) {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }

    /**
     * The network mask for a prefix length, e.g. 24 gives 0xFFFFFF00.
     *
     * @param prefixLength 0..32; 0 gives 0
     */
    public static int mask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length out of range 0..32: " + prefixLength);
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** True if both addresses agree in the first {@code prefixLength} bits. */
    public boolean sameSubnet(Ipv4Address other, int prefixLength) {
        return ((bits ^ other.bits) & mask(prefixLength)) == 0;
    }

    /** True for 224.0.0.0/4 (RFC 5771). */
    public boolean isMulticast() {
        return (bits >>> 28) == 0xE;
    }

    /** True for 255.255.255.255. */
    public boolean isBroadcast() {
        return bits == -1;
    }

    /** True for 0.0.0.0. */
    public boolean isAny() {
        return bits == 0;
    }

    /** The equivalent JDK address (no name lookup). */
    public Inet4Address toInetAddress() {
        byte[] b = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always a valid IPv4 address", e);
        }
    }

    @Override
    public String toString() {
        return toString(bits);
    }
}
