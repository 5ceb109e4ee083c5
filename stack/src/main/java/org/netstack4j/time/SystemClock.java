package org.netstack4j.time;

/** The production clock: {@link System#nanoTime()}. Only drivers use it, never protocol logic directly. */
public final class SystemClock implements Clock {
    /** The one instance; it has no state. */
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }
}
