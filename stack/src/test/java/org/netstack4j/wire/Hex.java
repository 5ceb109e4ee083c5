package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.function.Consumer;

/** Test helper: builds exactly-sized buffers from hex written out by hand, and always releases them. */
final class Hex {

    private Hex() {
    }

    /** Bytes of a hex string; spaces, newlines and '|' are ignored. */
    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    /** Runs {@code body} on a buffer whose capacity is exactly the given bytes, then releases it. */
    static void with(String hex, Consumer<ByteBuf> body) {
        with(bytes(hex), body);
    }

    /** Runs {@code body} on a buffer whose capacity is exactly {@code bytes}, then releases it. */
    static void with(byte[] bytes, Consumer<ByteBuf> body) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            body.accept(buf);
        } finally {
            buf.release();
        }
    }

    /** Runs {@code body} on a zeroed buffer of exactly {@code capacity} bytes, then releases it. */
    static void withZeroed(int capacity, Consumer<ByteBuf> body) {
        with(new byte[capacity], body);
    }

    /** The hex string without separators, lower case, as {@link #dump} prints it. */
    static String norm(String hex) {
        return hex.replaceAll("[\\s|]", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** Lower-case hex of {@code length} bytes at {@code index}. */
    static String dump(ByteBuf buf, int index, int length) {
        return ByteBufUtil.hexDump(buf, index, length);
    }
}
