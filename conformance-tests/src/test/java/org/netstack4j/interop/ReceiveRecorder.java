package org.netstack4j.interop;

import io.netty.buffer.ByteBuf;
import java.time.Instant;
import org.netstack4j.link.DeviceWrapper;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapWriter;

/**
 * Wraps a device and records only the frames the stack receives (not what it sends), so that the capture can
 * later be replayed into another stack as its input. {@link #freeze()} stops recording and delivery at one
 * point: every frame recorded so far has been handed to the stack, every later frame is dropped unseen, so
 * the recorded capture and the stack's receive counters describe exactly the same input.
 */
final class ReceiveRecorder extends DeviceWrapper {
    private final PcapWriter writer;
    private final Object lock = new Object();
    private boolean frozen;

    ReceiveRecorder(NetworkDevice inner, PcapWriter writer) {
        super(inner);
        this.writer = writer;
    }

    /** Nanoseconds since the epoch, so the capture shows wall-clock times in Wireshark. */
    static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    protected void inbound(ByteBuf frame, FrameReceiver receiver) {
        synchronized (lock) {
            if (frozen) {
                frame.release();
                return;
            }
            writer.write(wallNanos(), frame);
            receiver.receive(frame);
        }
    }

    /** From now on frames are dropped without being recorded or delivered. */
    void freeze() {
        synchronized (lock) {
            frozen = true;
        }
    }
}
