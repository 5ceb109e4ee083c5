package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string with content equality; used for raw IPv4 options and unknown TCP option data. */
public final class Bytes {

    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** A copy of {@code bytes}. */
    public static Bytes of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /** Parses hex digits, e.g. {@code "0204ffff"}; for tests and constants. */
    public static Bytes ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    /** Copies {@code length} bytes from absolute {@code index} of {@code buf}. */
    public static Bytes copyOf(ByteBuf buf, int index, int length) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] copy = new byte[length];
        buf.getBytes(index, copy);
        return new Bytes(copy);
    }

    /** Number of bytes. */
    public int length() {
        return data.length;
    }

    /** The byte at {@code i}. */
    public byte get(int i) {
        return data[i];
    }

    /** A fresh copy of the content. */
    public byte[] toArray() {
        return data.clone();
    }

    /** Writes the content at absolute {@code index} of {@code buf}. */
    public void write(ByteBuf buf, int index) {
        buf.setBytes(index, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** Lower-case hex, no separators. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(data);
    }
}
