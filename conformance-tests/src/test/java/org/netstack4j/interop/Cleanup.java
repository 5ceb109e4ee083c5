package org.netstack4j.interop;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Undo steps for what a test created, run in reverse order of creation. Each resource registers its step the
 * moment it exists, so a failure half-way through set-up still removes everything made so far; every step
 * runs even if an earlier one failed, and the failures are reported together.
 */
public final class Cleanup implements AutoCloseable {

    /** One undo step. */
    @FunctionalInterface
    public interface Step {
        /** Removes or closes one thing. */
        void run() throws Exception;
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private final String what;

    /** @param what names what is being cleaned up, for the failure message, e.g. {@code "namespace n4j1a2b"} */
    public Cleanup(String what) {
        this.what = what;
    }

    /** Registers {@code step}; it runs before every step registered earlier. */
    public void add(Step step) {
        steps.push(step);
    }

    /** Runs every registered step once, newest first; throws after all ran if any failed. */
    @Override
    public void close() {
        List<Step> due = List.copyOf(steps);
        steps.clear();
        RuntimeException failure = null;
        for (Step step : due) {
            try {
                step.run();
            } catch (Exception | Error e) {
                if (failure == null) {
                    failure = new IllegalStateException("cleanup of " + what + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
