package org.netstack4j.link;

import io.netty.buffer.ByteBuf;

/**
 * The base of a device that wraps another (a recorder, a test's filter): everything is passed to the inner
 * device, and the wrapper is polled exactly when the inner device is ({@link PolledDevice}). A subclass
 * changes what it needs, typically the frames on their way in ({@link #inbound}) or out ({@link #transmit}).
 */
public abstract class DeviceWrapper implements PolledDevice {
    /** The wrapped device. */
    protected final NetworkDevice inner;

    /** Wraps {@code inner}. */
    protected DeviceWrapper(NetworkDevice inner) {
        this.inner = inner;
    }

    /**
     * What the wrapper does with a received frame before {@code receiver} gets it, on whichever thread the inner
     * device delivers; passes it on unchanged by default. Ownership of the frame comes with the call.
     */
    protected void inbound(ByteBuf frame, FrameReceiver receiver) {
        receiver.receive(frame);
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
    public boolean enableTcpChecksumOffload() {
        return inner.enableTcpChecksumOffload();
    }

    @Override
    public void start(FrameReceiver receiver) {
        inner.start(new Inbound(receiver));
    }

    @Override
    public boolean pollable() {
        return inner instanceof PolledDevice p && p.pollable();
    }

    @Override
    public void startPolled(FrameReceiver receiver) {
        polled().startPolled(new Inbound(receiver));
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

    /** The inner device as a polled one; throws if it cannot be polled. */
    protected final PolledDevice polled() {
        if (!pollable()) {
            throw new IllegalStateException(inner.name() + " is not a polled device");
        }
        return (PolledDevice) inner;
    }

    /**
     * Routes the inner device's frames through {@link #inbound}, keeping a device's checksum promise: a
     * verified frame goes on to a receiver that passes the promise along (made once, not per frame).
     */
    private final class Inbound implements FrameReceiver {
        private final FrameReceiver plain;
        private final FrameReceiver verified;

        Inbound(FrameReceiver receiver) {
            this.plain = receiver;
            this.verified = frame -> receiver.receive(frame, true);
        }

        @Override
        public void receive(ByteBuf frame) {
            inbound(frame, plain);
        }

        @Override
        public void receive(ByteBuf frame, boolean transportChecksumVerified) {
            inbound(frame, transportChecksumVerified ? verified : plain);
        }
    }

    @Override
    public void transmit(ByteBuf frame) {
        inner.transmit(frame);
    }

    @Override
    public void close() {
        inner.close();
    }
}
