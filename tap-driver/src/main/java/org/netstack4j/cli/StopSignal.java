package org.netstack4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT and SIGTERM into an orderly stop. A shutdown hook counts a latch down, then waits for the
 * command to finish cleaning up (printing counters, deleting what it created) and ends the JVM with the
 * command's exit code: without that last step the JVM would exit with 128 + the signal number instead of 0.
 *
 * <p>{@link #close()} removes the hook when the command ends for any other reason (an error during set-up).
 */
public final class StopSignal implements AutoCloseable {
    private static final long CLEANUP_TIMEOUT_SECONDS = 30;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "netstack4j-stop");
    private volatile int exitCode = ExitCodes.OK;
    private volatile boolean signalled;

    private StopSignal() {
    }

    /** Installs the hook. */
    public static StopSignal install() {
        StopSignal s = new StopSignal();
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    private void onSignal() {
        signalled = true;
        stopRequested.countDown();
        try {
            finished.await(CLEANUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }

    /** Blocks until SIGINT or SIGTERM arrives. */
    public void await() throws InterruptedException {
        stopRequested.await();
    }

    /** Whether the stop came from a signal. */
    public boolean signalled() {
        return signalled;
    }

    /**
     * Says the command has finished with {@code code}: a waiting hook then ends the JVM with it; otherwise the
     * hook is removed.
     */
    public void finish(int code) {
        exitCode = code;
        if (!signalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook is running and waits for the latch below.
            }
        }
        finished.countDown();
    }

    @Override
    public void close() {
        if (finished.getCount() != 0) {
            finish(ExitCodes.ERROR);
        }
    }
}
