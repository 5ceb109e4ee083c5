package org.netstack4j.link;

import io.netty.buffer.ByteBuf;
import org.netstack4j.time.Clock;

/**
 * Wraps any device and copies every frame it sends and receives into a {@link PcapWriter}, so that a run —
 * or a failing test — leaves a capture to open in Wireshark. Frames are written when they cross this
 * wrapper, stamped with the given clock. It is polled when the device it wraps is ({@link PolledDevice}). It
 * keeps the stack's TCP checksums complete ({@link #enableTcpChecksumOffload}).
 */
public final class PcapRecordingDevice extends DeviceWrapper {
    private final PcapWriter writer;
    private final Clock clock;

    /** Records the traffic of {@code inner} into {@code writer}, which the caller closes. */
    public PcapRecordingDevice(NetworkDevice inner, PcapWriter writer, Clock clock) {
        super(inner);
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * Refuses, and keeps the inner device from offloading: a capture shows the checksums a wire would carry.
     * (Frames the kernel hands a TAP with offloads may still arrive with partial checksums, as a capture on
     * the kernel's side shows them too.)
     */
    @Override
    public boolean enableTcpChecksumOffload() {
        return false;
    }

    @Override
    protected void inbound(ByteBuf frame, FrameReceiver receiver) {
        writer.write(clock.nanos(), frame);
        receiver.receive(frame);
    }

    @Override
    public void transmit(ByteBuf frame) {
        writer.write(clock.nanos(), frame);
        inner.transmit(frame);
    }
}
