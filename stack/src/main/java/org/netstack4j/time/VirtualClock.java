package org.netstack4j.time;

import java.time.Duration;

/**
 * A clock that moves only when told to. Tests and the in-memory simulation own one and advance it to the next
 * deadline instead of sleeping. It never goes backwards.
 */
public final class VirtualClock implements Clock {
    private long now;

    /** A clock starting at time zero. */
    public VirtualClock() {
        this(0);
    }

    /** A clock starting at {@code start} nanoseconds. */
    public VirtualClock(long start) {
        this.now = start;
    }

    @Override
    public long nanos() {
        return now;
    }

    /** Moves to {@code time}; a time in the past is ignored, because time is monotonic. */
    public void advanceTo(long time) {
        if (time > now) {
            now = time;
        }
    }

    /** Moves forward by {@code delta}. */
    public void advance(Duration delta) {
        if (delta.isNegative()) {
            throw new IllegalArgumentException("negative delta " + delta);
        }
        now += delta.toNanos();
    }
}
