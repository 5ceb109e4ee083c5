package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.Set;

/**
 * Lets header views read and write through a leak detector's wrapper without recording each access.
 *
 * <p>Under Netty's paranoid leak detection every buffer is wrapped in a leak-aware buffer that records a stack
 * trace on every access; a view reading some forty header fields per packet then spends nearly all its time
 * walking stacks. Views only touch bytes inside {@code [offset, offset + length)} and never retain, release or
 * keep the buffer beyond the packet, so they may work on the wrapped buffer: it has the same memory and the same
 * indices. Leak detection itself is untouched — the wrapper still tracks the buffer's life and still records
 * retain, release, touch and every access made by code other than the views.
 */
final class LeakTracking {
    private static final Set<String> WRAPPERS = Set.of(
            "io.netty.buffer.SimpleLeakAwareByteBuf",
            "io.netty.buffer.AdvancedLeakAwareByteBuf",
            "io.netty.buffer.SimpleLeakAwareCompositeByteBuf",
            "io.netty.buffer.AdvancedLeakAwareCompositeByteBuf");

    /** Whether a buffer class is one of the wrappers: decided once per class, then a cheap lookup per packet. */
    private static final ClassValue<Boolean> IS_WRAPPER = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return WRAPPERS.contains(type.getName());
        }
    };

    private LeakTracking() {}

    /** {@code buf} itself, or the buffer a leak-detection wrapper wraps (same memory, same indices). */
    static ByteBuf untracked(ByteBuf buf) {
        ByteBuf b = buf;
        while (IS_WRAPPER.get(b.getClass())) {
            ByteBuf inner = b.unwrap();
            if (inner == null || inner.capacity() != b.capacity()) {
                return b; // not the plain wrapper we know; keep the recorded path rather than guess
            }
            b = inner;
        }
        return b;
    }
}
