package org.netstack4j.link;

import io.netty.buffer.ByteBuf;

/**
 * One Ethernet device: the only thing the stack knows about packet I/O. Implementations: the in-memory link,
 * the TAP device, pcap devices; wrappers add recording and fault injection around any of them.
 *
 * <p>Contract: {@link #start} is called once, before any {@link #transmit}. Received frames go to the receiver
 * given there, from whatever thread the device uses. {@link #transmit} is called from the owning event-loop
 * thread only, never blocks, and takes ownership of the frame (a device that cannot send it counts it as
 * dropped and releases it). {@link #close} is idempotent and stops all delivery.
 */
public interface NetworkDevice extends AutoCloseable {

    /** A short name for logs and counters, e.g. {@code tap0} or {@code mem0}. */
    String name();

    /** The largest IP packet this device carries, i.e. the frame size minus the 14-byte Ethernet header. */
    int mtu();

    /**
     * The largest IPv4 packet carrying one TCP segment that {@link #transmit} accepts and cuts into segments
     * that fit the MTU itself (TCP segmentation offload); {@link #mtu()} for a device that does not. A device
     * with this offload may also deliver such large TCP packets.
     */
    default int segmentationOffloadLimit() {
        return mtu();
    }

    /**
     * Asks the device to complete the checksum of every IPv4 TCP segment transmitted from now on (checksum
     * offload). If it agrees, the stack writes only the folded pseudo-header sum into each TCP checksum field,
     * as Linux leaves a CHECKSUM_PARTIAL packet, and the device (or the kernel behind it) sums the rest. A
     * device that does not offload refuses, and every checksum stays complete. Called at most once, before
     * {@link #start}.
     *
     * @return true if the device now completes TCP checksums
     */
    default boolean enableTcpChecksumOffload() {
        return false;
    }

    /** Starts delivering received frames to {@code receiver}. */
    void start(FrameReceiver receiver);

    /** Sends one Ethernet frame; takes ownership of it. */
    void transmit(ByteBuf frame);

    /** Stops the device and releases what it holds. */
    @Override
    void close();
}
