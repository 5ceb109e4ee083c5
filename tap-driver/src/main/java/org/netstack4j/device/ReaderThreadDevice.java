package org.netstack4j.device;

import java.time.Duration;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the TAP and pcap devices share: a name, an MTU, counters, and one platform thread that reads frames and
 * hands them to the receiver (an FFM or JNA call would pin a virtual thread's carrier). {@link #close()} marks
 * the device closed, wakes the reader, waits a bounded time for it and lets go of the native resources, which
 * a {@link LastHolderCloser} releases only once the reader has let go too — so the reader never touches a
 * closed or reused descriptor.
 */
abstract class ReaderThreadDevice implements NetworkDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ReaderThreadDevice.class);
    private static final Duration READER_JOIN_TIMEOUT = Duration.ofSeconds(1);

    final String name;
    final int mtu;
    final DeviceCounters counters = new DeviceCounters();
    volatile boolean closed;
    private final String threadPrefix;
    private final LastHolderCloser closer = new LastHolderCloser(this::release);
    private Thread reader;
    /** Started by {@link #startPolling}: a polling event loop reads the device, no reader thread. */
    private boolean polling;

    ReaderThreadDevice(String name, int mtu, String threadPrefix) {
        this.name = name;
        this.mtu = mtu;
        this.threadPrefix = threadPrefix;
    }

    /** What the reader thread runs until the device closes or its input ends. */
    abstract Runnable readerBody(FrameReceiver receiver);

    /** Releases the native resources; called once, after both close() and the reader have let go. */
    abstract void release();

    /** Makes a reader blocked in native code return; nothing by default. */
    void wakeReader() {
    }

    /** Runs on the reader thread when its body has returned; nothing by default. */
    void readerFinished() {
    }

    /** Runs once when the device starts, with or without a reader thread, before any transmit; nothing by default. */
    void starting(boolean polled) {
    }

    /** Runs once in {@link #close()} after the reader has stopped, before the native resources go; nothing by default. */
    void closing() {
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int mtu() {
        return mtu;
    }

    /** What this device has done so far. */
    public final DeviceCounters counters() {
        return counters;
    }

    /** True once {@link #start} or {@link #startPolling} has been called. */
    final synchronized boolean started() {
        return reader != null || polling;
    }

    /**
     * Starts without a reader thread, for a polling event loop that reads the device itself: that loop now
     * holds the native resources until {@link #pollingStopped()}.
     */
    final synchronized void startPolling() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        if (started()) {
            throw new IllegalStateException(name + " is already started");
        }
        closer.hold();
        polling = true;
        starting(true);
    }

    /** The polling loop lets go: the native resources go once close() has let go too. */
    final void pollingStopped() {
        closer.letGo();
    }

    /** Starts the reader thread; frames are delivered on it. */
    @Override
    public final synchronized void start(FrameReceiver receiver) {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        if (started()) {
            throw new IllegalStateException(name + " is already started");
        }
        Runnable body = readerBody(receiver);
        starting(false);
        closer.hold();
        // A Netty thread, so that the frame buffers it allocates come from its own pool cache (Netty keeps those
        // for FastThreadLocalThreads only).
        reader = new io.netty.util.concurrent.FastThreadLocalThread(() -> {
            try {
                body.run();
            } finally {
                readerFinished();
                closer.letGo();
            }
        }, threadPrefix + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Wakes and joins the reader, then lets go of the native resources. Idempotent. */
    @Override
    public final void close() {
        Thread started;
        boolean polled;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            started = reader;
            polled = polling;
        }
        if (polled) {
            wakeReader(); // the polling loop leaves its sleep and sees the device closed
        }
        if (started != null) {
            wakeReader();
            try {
                if (!started.join(READER_JOIN_TIMEOUT)) {
                    LOG.warn("{}: reader did not stop within {}; it releases the device when it does", name,
                            READER_JOIN_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closing();
        closer.letGo();
    }
}
