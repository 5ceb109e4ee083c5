package org.netstack4j.link;

import io.netty.buffer.ByteBuf;
import org.netstack4j.time.Clock;

/**
 * Wraps any device and copies every frame it sends and receives into a {@link PcapWriter}, so that a run —
 * or a failing test — leaves a capture to open in Wireshark. Frames are written when they cross this
 * wrapper, stamped with the given clock. It is polled when the device it wraps is ({@link PolledDevice}).
 */
public final class PcapRecordingDevice implements PolledDevice {
    private final NetworkDevice inner;
    private final PcapWriter writer;
    private final Clock clock;

    /** Records the traffic of {@code inner} into {@code writer}, which the caller closes. */
    public PcapRecordingDevice(NetworkDevice inner, PcapWriter writer, Clock clock) {
        this.inner = inner;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public int segmentationOffloadLimit() {
        return inner.segmentationOffloadLimit();
    }

    @Override
    public void start(FrameReceiver receiver) {
        inner.start(frame -> {
            writer.write(clock.nanos(), frame);
            receiver.receive(frame);
        });
    }

    @Override
    public boolean pollable() {
        return inner instanceof PolledDevice p && p.pollable();
    }

    @Override
    public void startPolled(FrameReceiver receiver) {
        polled().startPolled(frame -> {
            writer.write(clock.nanos(), frame);
            receiver.receive(frame);
        });
    }

    @Override
    public int readReady(int max) {
        return polled().readReady(max);
    }

    @Override
    public void await(long timeoutNanos) {
        polled().await(timeoutNanos);
    }

    @Override
    public void wakeUp() {
        polled().wakeUp();
    }

    @Override
    public void stopPolling() {
        polled().stopPolling();
    }

    private PolledDevice polled() {
        if (!pollable()) {
            throw new IllegalStateException(inner.name() + " is not a polled device");
        }
        return (PolledDevice) inner;
    }

    @Override
    public void transmit(ByteBuf frame) {
        writer.write(clock.nanos(), frame);
        inner.transmit(frame);
    }

    @Override
    public void close() {
        inner.close();
    }
}
