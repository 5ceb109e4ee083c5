package org.netstack4j.time;

/**
 * Something with timed work that a driver runs: a stack, a link with frames in flight. The driver calls
 * {@link #poll()} whenever the time it asked for has come (or earlier, after input) and sleeps — or, in
 * virtual time, jumps — to the returned deadline.
 */
@FunctionalInterface
public interface Pollable {
    /** The value meaning "nothing scheduled". */
    long NEVER = Long.MAX_VALUE;

    /**
     * Runs all work due at the current time of the injected clock.
     *
     * @return the clock time at which this wants to be polled next, or {@link #NEVER}
     */
    long poll();
}
