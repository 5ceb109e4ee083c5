package org.netstack4j.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.netstack4j.link.FrameReceiver;

/**
 * A receiver for device tests: copies each frame out and releases it at once, so no test can leak a buffer
 * whatever it asserts, and remembers what the device delivered for later checks.
 */
final class FrameQueue implements FrameReceiver {

    private final LinkedBlockingQueue<byte[]> pending = new LinkedBlockingQueue<>();
    private final List<byte[]> seen = new ArrayList<>();
    private volatile String contractViolation;

    @Override
    public void receive(ByteBuf frame) {
        try {
            if (frame.refCnt() != 1 || !frame.isDirect()) {
                contractViolation = "frame with refCnt " + frame.refCnt() + ", direct=" + frame.isDirect();
            }
            pending.add(ByteBufUtil.getBytes(frame));
        } finally {
            frame.release();
        }
    }

    /** The first frame matching {@code wanted} within {@code timeout}, or null; other frames are kept in {@link #seen()}. */
    byte[] awaitMatching(Predicate<byte[]> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            byte[] frame = pending.poll(left, TimeUnit.NANOSECONDS);
            if (frame == null) {
                break;
            }
            synchronized (seen) {
                seen.add(frame);
            }
            if (wanted.test(frame)) {
                return frame;
            }
        }
        return null;
    }

    /** Every frame delivered so far, in order. */
    List<byte[]> seen() {
        synchronized (seen) {
            pending.drainTo(seen);
            return List.copyOf(seen);
        }
    }

    /** A one-line description of each frame seen, for failure messages. */
    String summary() {
        StringBuilder out = new StringBuilder();
        for (byte[] frame : seen()) {
            out.append("\n  ").append(frame.length).append(" bytes: ")
                    .append(HexFormat.of().formatHex(frame, 0, Math.min(frame.length, 42)));
        }
        return out.isEmpty() ? " (none)" : out.toString();
    }

    /** Null if every frame arrived as the device contract says (sole owner, direct buffer), else what was wrong. */
    String contractViolation() {
        return contractViolation;
    }
}
