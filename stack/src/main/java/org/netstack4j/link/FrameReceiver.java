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

    /**
     * Takes one received frame and says whether its TCP or UDP checksum is already known to be good, so that
     * the stack need not sum the payload again. A TAP with offloads vouches for the frames the kernel marks
     * that way: data it verified itself (virtio's DATA_VALID) and data that never crossed a wire, whose
     * checksum field it left to be completed (NEEDS_CSUM; Linux's CHECKSUM_PARTIAL). A receiver that cannot
     * use the promise verifies anyway, which is what this default does.
     */
    default void receive(ByteBuf frame, boolean transportChecksumVerified) {
        receive(frame);
    }
}
