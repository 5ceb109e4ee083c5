package org.netstack4j.device;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a device did, for logs and tests. Written by the device's reader thread and by the event loop at the
 * same time, read from anywhere; {@link LongAdder} keeps both writers off one contended cache line.
 */
public final class DeviceCounters {

    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder transmitDrops = new LongAdder();
    private final LongAdder readErrors = new LongAdder();
    private final LongAdder offloadDrops = new LongAdder();
    private final LongAdder framesGathered = new LongAdder();

    /** Frames handed to the receiver. */
    public long framesReceived() {
        return framesReceived.sum();
    }

    /** Frames written to the device in full. */
    public long framesSent() {
        return framesSent.sum();
    }

    /** Frames given to {@code transmit} that were not sent (device busy, closed, or a failed write). */
    public long transmitDrops() {
        return transmitDrops.sum();
    }

    /** Reads that failed for a reason other than "nothing to read yet". */
    public long readErrors() {
        return readErrors.sum();
    }

    /** Received frames dropped because their offload header was malformed or asked for an offload not enabled. */
    public long offloadDrops() {
        return offloadDrops.sum();
    }

    /** Frames sent from their parts in place (writev of a header and payload slices) instead of copied first. */
    public long framesGathered() {
        return framesGathered.sum();
    }

    void gathered() {
        framesGathered.increment();
    }

    void offloadDrop() {
        offloadDrops.increment();
    }

    void received() {
        framesReceived.increment();
    }

    void sent() {
        framesSent.increment();
    }

    void dropped() {
        transmitDrops.increment();
    }

    void readError() {
        readErrors.increment();
    }

    @Override
    public String toString() {
        return "received=" + framesReceived() + " sent=" + framesSent() + " transmitDrops=" + transmitDrops()
                + " readErrors=" + readErrors() + (offloadDrops() > 0 ? " offloadDrops=" + offloadDrops() : "");
    }
}
