package org.netstack4j.interop;

import org.netstack4j.link.DeviceWrapper;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;

/**
 * Holds back the start of a device until {@link #open()}: lets a replaying stack bind its services before the
 * first recorded frame arrives, as they were bound before the live traffic that was recorded. Transmissions
 * pass straight through (a {@link org.netstack4j.device.PcapFileDevice} only counts them, started or not).
 */
final class StartGate extends DeviceWrapper {
    private FrameReceiver receiver;
    private boolean opened;

    StartGate(NetworkDevice inner) {
        super(inner);
    }

    @Override
    public synchronized void start(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    /** Starts the inner device with the receiver the stack gave. */
    synchronized void open() {
        if (receiver == null || opened) {
            throw new IllegalStateException("open() needs one earlier start()");
        }
        opened = true;
        inner.start(receiver);
    }
}
