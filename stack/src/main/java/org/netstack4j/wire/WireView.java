package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * What every flyweight header view shares: the buffer it looks at, where the header starts, and how many
 * bytes are available from there. Views read and write with absolute accessors only, so wrapping never moves
 * the buffer's reader or writer index, and one view instance can be re-pointed at packet after packet.
 *
 * @param <V> the concrete view, so that {@link #wrap} returns it for chaining
 */
public abstract class WireView<V extends WireView<V>> {
    ByteBuf buf;
    int offset;
    int length;

    WireView() {
    }

    /**
     * Points this view at {@code length} available bytes starting at absolute {@code offset} of {@code buf}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the buffer's capacity
     */
    @SuppressWarnings("unchecked")
    public final V wrap(ByteBuf buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.capacity());
        this.buf = LeakTracking.untracked(buf);
        this.offset = offset;
        this.length = length;
        return (V) this;
    }

    /** The buffer viewed. */
    public final ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the header's first byte. */
    public final int offset() {
        return offset;
    }

    /** Bytes available from {@link #offset()}. */
    public final int length() {
        return length;
    }
}
