package org.netstack4j.stack;

import io.netty.buffer.ByteBuf;

/**
 * What holding on to a received buffer costs in memory: the capacity of the buffer it is a view of (a queued
 * payload keeps its whole frame alive, and a frame read with offloads may sit in a 64 KiB buffer) plus the objects
 * that track it. Receive queues charge this, not the payload length, against their limits, as Linux charges an
 * skb's truesize against sk_rcvbuf: otherwise a peer sending one-byte segments or datagrams could make a socket
 * pin a thousand times its buffer size.
 */
public final class BufferFootprint {
    /**
     * Bookkeeping per held buffer: the slice or queue slot, the pooled buffer's own object and the
     * allocator's size-class rounding, roughly. (Linux charges about 768 bytes per small skb.)
     */
    public static final int PER_BUFFER = 128;
    /** Views nested deeper than this (leak-detector wrappers of slices of ...) are not followed further. */
    private static final int MAX_DEPTH = 8;

    private BufferFootprint() {
    }

    /** The memory {@code buf} keeps alive: the capacity of the buffer underneath it plus {@link #PER_BUFFER}. */
    public static int of(ByteBuf buf) {
        ByteBuf b = buf;
        for (int i = 0; i < MAX_DEPTH; i++) {
            ByteBuf under = b.unwrap();
            if (under == null) {
                break;
            }
            b = under;
        }
        return Math.max(b.capacity(), buf.capacity()) + PER_BUFFER;
    }
}
