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
        counters.received();
        try {
            receiver.receive(frame);
        } catch (RuntimeException e) {
            // Ownership passed with the call, so the frame is the receiver's to release even when it threw.
            LOG.warn("{}: frame receiver threw; the device keeps reading", device, e);
        }
    }
}
