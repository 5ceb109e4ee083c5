package org.netstack4j.link;

import io.netty.buffer.ByteBuf;

/**
 * Where a device hands the Ethernet frames it receives. Ownership of {@code frame} passes to the receiver,
 * which must release it exactly once. A device may call it from its own I/O thread; the event loop then
 * queues the frame for the thread that owns protocol state.
 */
@FunctionalInterface
public interface FrameReceiver {
    /** Takes one received Ethernet frame (destination MAC first, no FCS). */
    void receive(ByteBuf frame);
}
