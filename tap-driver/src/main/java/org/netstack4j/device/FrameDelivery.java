package org.netstack4j.device;

import io.netty.buffer.ByteBuf;
import org.netstack4j.link.FrameReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a received frame to the stack from a device's reader thread. A receiver that throws must not kill the
 * reader (the device would go silent for good), so the exception is logged and reading goes on.
 */
final class FrameDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(FrameDelivery.class);

    private FrameDelivery() {
    }

    /** Passes ownership of {@code frame} to {@code receiver} and counts it. */
    static void deliver(String device, FrameReceiver receiver, ByteBuf frame, DeviceCounters counters) {
        deliver(device, receiver, frame, false, counters);
    }

    /**
     * Like {@link #deliver(String, FrameReceiver, ByteBuf, DeviceCounters)}, passing on whether the device
     * vouches for the frame's transport checksum ({@link FrameReceiver#receive(ByteBuf, boolean)}).
     */
    static void deliver(String device, FrameReceiver receiver, ByteBuf frame, boolean checksumVerified,
                        DeviceCounters counters) {
        counters.received();
        try {
            receiver.receive(frame, checksumVerified);
        } catch (RuntimeException e) {
            // Ownership passed with the call, so the frame is the receiver's to release even when it threw.
            LOG.warn("{}: frame receiver threw; the device keeps reading", device, e);
        }
    }
}
