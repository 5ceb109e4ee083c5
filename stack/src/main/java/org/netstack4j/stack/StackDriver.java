package org.netstack4j.stack;

import java.util.function.Supplier;

/**
 * What runs a stack: the one thread allowed to touch its state. The socket facade uses it to hand calls to
 * that thread and to wait for sockets to change. Two implementations: {@link EventLoop} (a platform thread
 * on the system clock) and {@link Simulation} (the caller's thread in virtual time, where "waiting" means
 * running the simulated network forward).
 */
public interface StackDriver {
    /** The stack this driver runs. */
    NetStack stack();

    /** Runs {@code action} on the stack's thread and returns its result; exceptions propagate unchanged. */
    <T> T call(Supplier<T> action);

    /** A number that changes whenever any socket of the stack may have changed readiness. */
    long readinessVersion();

    /**
     * Waits until {@link #readinessVersion()} differs from {@code seen} or {@code timeoutNanos} pass
     * (negative: no limit).
     *
     * @return false on timeout
     */
    boolean awaitReadiness(long seen, long timeoutNanos);

    /**
     * Waits until {@code signal}'s version differs from {@code seen} or {@code timeoutNanos} pass (negative: no
     * limit). This default waits for stack-wide changes and looks again after each; drivers with real threads
     * wait on the socket's own signal, so that only its waiters wake.
     *
     * @return false on timeout
     */
    default boolean await(ReadinessSignal signal, long seen, long timeoutNanos) {
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : stack().clock().nanos() + timeoutNanos;
        while (signal.version() == seen) {
            long global = readinessVersion();
            if (signal.version() != seen) {
                break;
            }
            long left = deadline == Long.MAX_VALUE ? -1 : Math.max(0, deadline - stack().clock().nanos());
            if (left == 0 || !awaitReadiness(global, left)) {
                return signal.version() != seen;
            }
        }
        return true;
    }
}
