package org.netstack4j.link;

import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Wraps any device and damages the frames it sends according to a {@link FaultProfile}: seeded loss,
 * duplication, single-bit corruption, reordering, delay with jitter and a rate limit with a tail-drop queue.
 * Received frames pass through untouched; wrap the other end too for faults in both directions.
 * Every decision comes from one {@link SplittableRandom} seeded at construction, so a failing run can be
 * replayed exactly.
 */
public final class FaultInjectingDevice implements NetworkDevice {
    private final NetworkDevice inner;
    /** {@code inner.transmit} as a target for the scheduler, made once rather than per delayed frame. */
    private final Consumer<ByteBuf> innerTransmit;
    private final LinkScheduler scheduler;
    private final FaultProfile profile;
    private final SplittableRandom random;
    private long serialisedUntil;
    private long dropped;
    private long duplicated;
    private long corrupted;
    private long reordered;
    private long queueDrops;

    /** Wraps {@code inner}; delayed frames are held in {@code scheduler}. */
    public FaultInjectingDevice(NetworkDevice inner, LinkScheduler scheduler, FaultProfile profile, long seed) {
        this.inner = inner;
        this.innerTransmit = inner::transmit;
        this.scheduler = scheduler;
        this.profile = profile;
        this.random = new SplittableRandom(seed);
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

    /**
     * Refuses: a corrupted frame must still carry the checksum of the bytes before the corruption, as on a
     * wire, so that the receiver can catch it; a device completing the checksum after us would bless it.
     */
    @Override
    public boolean enableTcpChecksumOffload() {
        return false;
    }

    @Override
    public void start(FrameReceiver receiver) {
        inner.start(receiver);
    }

    @Override
    public void transmit(ByteBuf frame) {
        if (hit(profile.loss())) {
            dropped++;
            frame.release();
            return;
        }
        if (hit(profile.duplicate())) {
            duplicated++;
            send(frame.copy());
        }
        send(frame);
    }

    private void send(ByteBuf frame) {
        if (hit(profile.corrupt()) && frame.readableBytes() > 0) {
            corrupted++;
            // Corrupt a private copy: the sender may share the frame's memory with data it keeps.
            ByteBuf copy = frame.copy();
            frame.release();
            frame = copy;
            int at = frame.readerIndex() + random.nextInt(frame.readableBytes());
            frame.setByte(at, frame.getByte(at) ^ (1 << random.nextInt(8)));
        }
        long now = scheduler.now();
        long departure = now;
        if (profile.rateBitsPerSecond() > 0) {
            long start = Math.max(now, serialisedUntil);
            long queued = (start - now) * profile.rateBitsPerSecond() / 8_000_000_000L;
            if (profile.queueLimitBytes() > 0 && queued + frame.readableBytes() > profile.queueLimitBytes()) {
                queueDrops++;
                frame.release();
                return;
            }
            serialisedUntil = start + frame.readableBytes() * 8_000_000_000L / profile.rateBitsPerSecond();
            departure = serialisedUntil;
        }
        long extra = profile.delayNanos();
        if (profile.jitterNanos() > 0) {
            extra += random.nextLong(profile.jitterNanos());
        }
        if (hit(profile.reorder())) {
            reordered++;
            extra += profile.reorderDelayNanos();
        }
        if (departure + extra == now) {
            inner.transmit(frame);
        } else {
            scheduler.deliverAt(departure + extra, frame, innerTransmit);
        }
    }

    private boolean hit(double p) {
        return p > 0 && random.nextDouble() < p;
    }

    /** Frames dropped by the loss probability. */
    public long dropped() {
        return dropped;
    }

    /** Frames sent twice. */
    public long duplicated() {
        return duplicated;
    }

    /** Frames with a flipped bit. */
    public long corrupted() {
        return corrupted;
    }

    /** Frames held back to be overtaken. */
    public long reordered() {
        return reordered;
    }

    /** Frames tail-dropped because the rate-limit queue was full. */
    public long queueDrops() {
        return queueDrops;
    }

    @Override
    public void close() {
        inner.close();
    }
}
