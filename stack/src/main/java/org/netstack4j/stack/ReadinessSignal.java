package org.netstack4j.stack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The readiness of one socket as a number that changes whenever the socket may have become readable, writable
 * or failed, and a place for the threads blocked on that socket to wait for the change. The stack's thread
 * signals it; only the threads blocked on this socket wake (no stack-wide wake-up per packet, in which every
 * blocked thread of the process would get up, look and go back to sleep).
 *
 * <p>Lost wake-ups cannot happen: a waiter announces itself before it reads the version, the signaller bumps
 * the version before it looks for waiters, and both are volatile, so one of the two always sees the other.
 */
public final class ReadinessSignal {
    private static final VarHandle VERSION;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(ReadinessSignal.class, "version", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long version;
    private volatile int waiters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** The current version; compare it with a later one to see whether anything changed. */
    public long version() {
        return version;
    }

    /** Something may have changed: bump the version and wake this socket's waiters. Any thread. */
    public void signal() {
        VERSION.getAndAdd(this, 1L);
        if (waiters > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits in real time until the version differs from {@code seen}, {@code timeoutNanos} pass (negative: no
     * limit) or the thread is interrupted.
     *
     * @return true if the version changed
     */
    public boolean await(long seen, long timeoutNanos) {
        lock.lock();
        waiters++;
        try {
            long left = timeoutNanos;
            while (version == seen) {
                if (timeoutNanos < 0) {
                    changed.await();
                } else {
                    if (left <= 0) {
                        return false;
                    }
                    left = changed.awaitNanos(left);
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiters--;
            lock.unlock();
        }
    }

    /** Like {@link #await(long, long)} with a timeout in any unit. */
    public boolean await(long seen, long timeout, TimeUnit unit) {
        return await(seen, unit.toNanos(timeout));
    }
}
