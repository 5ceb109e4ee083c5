package org.netstack4j.device;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transmit thread for a TAP: the event loop hands each frame over ({@link #offer}) and this thread does the
 * write(2), inside which the kernel runs its whole receive path for the frame (tun_get_user, IP, TCP, waking the
 * reader). On a bulk send that system time is most of the loop's work; here it runs on another core, in
 * parallel with the loop's protocol work.
 *
 * <p>The hand-off is a bounded single-producer, single-consumer ring: the producer is the one thread that
 * transmits (the event loop), the consumer this thread. It sleeps (park) when the ring is empty and is woken
 * only then, so an idle device costs no CPU and a busy one no futex call per frame.
 *
 * <p>A full ring makes the producer wait until the writer has freed a quarter of it: back-pressure, like the
 * qdisc and TCP small queues in front of a real NIC, rather than a drop that TCP would read as congestion. The
 * wait is bounded ({@link #FULL_WAIT_NANOS}); only a writer stalled that long makes the frame a transmit drop.
 *
 * <p>Stopping: {@link #stop} wakes the thread and waits for it. The thread writes (or, once the device is
 * closed, drops) what is queued, then releases whatever remains; a frame the producer queues after that is
 * released by the producer itself, so no frame is ever left behind.
 */
final class TapWriter {

    private static final Logger LOG = LoggerFactory.getLogger(TapWriter.class);
    /** Longest a producer waits for room before it drops the frame: far beyond any single write(2). */
    private static final long FULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long JOIN_MILLIS = 1000;

    private final ByteBuf[] ring;
    private final int mask;
    /** Next slot to take; written by the consumer only. */
    private volatile long head;
    /** Next slot to fill; written by the producer only. */
    private volatile long tail;
    /** Frames whose write has returned; written by the consumer after each. Equal to tail: the writer is idle. */
    private volatile long written;
    /** The writer is (about to be) parked: the producer unparks it after adding. Same pattern as the loop's. */
    private volatile boolean writerParked;
    /** The producer is (about to be) parked on a full ring; the writer unparks it once a quarter is free. */
    private volatile Thread waitingProducer;
    private volatile boolean stopping;
    /** The writer thread has stopped consuming; from then on consumers drain under {@link #drainLock}. */
    private volatile boolean writerDone;
    private final Object drainLock = new Object();
    private final Consumer<ByteBuf> write;
    private final Runnable dropped;
    private final Thread thread;

    /**
     * @param capacity frames the ring holds, a power of two
     * @param write    writes one frame and releases it (the device's own write path)
     * @param dropped  counts one transmit drop
     */
    TapWriter(String threadName, int capacity, Consumer<ByteBuf> write, Runnable dropped) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.ring = new ByteBuf[capacity];
        this.mask = capacity - 1;
        this.write = write;
        this.dropped = dropped;
        // A Netty thread: releasing a pooled buffer consults Netty's FastThreadLocals, slow on a plain thread.
        this.thread = new io.netty.util.concurrent.FastThreadLocalThread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Frames queued and not yet taken by the writer. */
    int queued() {
        return (int) (tail - head);
    }

    /**
     * True when every frame queued so far has been written and the writer is not writing: the producer may then
     * write a frame itself without overtaking one queued earlier. Producer side only.
     */
    boolean idle() {
        return written == tail;
    }

    /**
     * Queues {@code frame} for the writer, which now owns it; waits (bounded) if the ring is full. Called from
     * the one transmitting thread only.
     */
    void offer(ByteBuf frame) {
        long t = tail;
        if (t - head > mask && !awaitRoom(t)) {
            frame.release();
            dropped.run();
            return;
        }
        ring[(int) t & mask] = frame;
        tail = t + 1;
        if (writerParked) {
            LockSupport.unpark(thread);
        }
        if (writerDone) {
            // The writer has gone: it may or may not have seen this frame, so drain under the lock it used.
            drainAndRelease();
        }
    }

    /** Parks until the writer has made room; false if it did not within {@link #FULL_WAIT_NANOS}. */
    private boolean awaitRoom(long t) {
        long deadline = System.nanoTime() + FULL_WAIT_NANOS;
        waitingProducer = Thread.currentThread();
        try {
            while (t - head > mask) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || writerDone) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
            return true;
        } finally {
            waitingProducer = null;
        }
    }

    /** Takes the next frame; consumer side only. */
    private ByteBuf poll() {
        long h = head;
        if (h == tail) {
            return null;
        }
        int slot = (int) h & mask;
        ByteBuf frame = ring[slot];
        ring[slot] = null;
        head = h + 1;
        return frame;
    }

    private void run() {
        try {
            while (true) {
                ByteBuf frame = poll();
                if (frame != null) {
                    try {
                        write.accept(frame);
                    } finally {
                        written = head;
                    }
                    Thread producer = waitingProducer;
                    if (producer != null && tail - head <= mask - (mask >> 2)) {
                        LockSupport.unpark(producer);
                    }
                    continue;
                }
                if (stopping) {
                    break;
                }
                writerParked = true;
                if (head == tail && !stopping) {
                    LockSupport.park(this);
                }
                writerParked = false;
            }
        } catch (RuntimeException | Error e) {
            LOG.error("{}: transmit thread failed; queued frames are dropped", thread.getName(), e);
        } finally {
            // Set before the last drain: a producer that adds later sees it and drains itself (see offer).
            writerDone = true;
            drainAndRelease();
            Thread producer = waitingProducer;
            if (producer != null) {
                LockSupport.unpark(producer);
            }
        }
    }

    private void drainAndRelease() {
        synchronized (drainLock) {
            ByteBuf frame;
            while ((frame = poll()) != null) {
                frame.release();
                dropped.run();
            }
        }
    }

    /**
     * Stops the thread after it has written what is queued (the device drops it once closed) and waits for it;
     * every frame still queued afterwards is released.
     */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{}: transmit thread did not stop within {} ms", thread.getName(), JOIN_MILLIS);
        }
    }
}
