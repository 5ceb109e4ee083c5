package org.netstack4j.device;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a release action once, when the last of its holders lets go. A device and its reader thread both hold
 * the native handle; whichever finishes last frees it, so the reader never reads from an fd number that has
 * been closed (and possibly reused by someone else) underneath it.
 */
final class LastHolderCloser {

    private final AtomicInteger holders = new AtomicInteger(1);
    private final Runnable release;

    /** Starts with one holder, the device itself. */
    LastHolderCloser(Runnable release) {
        this.release = release;
    }

    /** Adds a holder (the reader thread, before it starts). */
    void hold() {
        holders.incrementAndGet();
    }

    /** Drops a holder; the last one runs the release action. */
    void letGo() {
        if (holders.decrementAndGet() == 0) {
            release.run();
        }
    }
}
