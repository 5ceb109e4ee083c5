package org.netstack4j.stack;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PolledDevice;
import org.netstack4j.time.Clock;
import org.netstack4j.time.Pollable;
import org.netstack4j.time.SystemClock;

/**
 * The production driver: one platform thread that owns a {@link NetStack}. It reads a {@link PolledDevice}
 * (the TAP) itself, in batches, and sleeps in that device's wait; frames from any other device's I/O thread
 * and socket calls from any thread (virtual threads included) are queued to it. Between them it runs the
 * stack's timers and handlers and sleeps until the next deadline, frame or queued item. Nothing else touches the
 * stack, so protocol code needs no locks.
 */
public final class EventLoop implements StackDriver, AutoCloseable {
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private final NetStack stack;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    /** Stack-wide readiness, for poll() over several sockets: bumped once per batch that changed any socket. */
    private final ReadinessSignal anySocket = new ReadinessSignal();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Signals that threads wait on now; close() wakes them all. */
    private final java.util.Set<ReadinessSignal> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    /**
     * True while the loop thread is (about to be) parked. Producers unpark it only then: under load the loop is
     * busy draining and a wake-up per frame would cost a futex call each. The loop sets it before its last look
     * at the inbox and producers read it after adding, so one of the two always sees the other (both volatile).
     */
    private volatile boolean parked;
    /** Set when the device is read by this loop itself (see {@link PolledDevice}); else frames are queued. */
    private PolledDevice polled;
    /** Frames read from a polled device before timers, queued calls and handlers get a turn. */
    private static final int FRAME_BATCH = 64;
    /** Some socket may have changed since blocked callers were last woken; loop thread only. */
    private boolean readinessDirty;

    private EventLoop(StackConfig config, NetworkDevice device, Clock clock, String name) {
        this.clock = clock;
        this.stack = new NetStack(config, device, clock);
        // Coalesced: one wake-up of blocked callers per batch of work, not one per segment.
        this.stack.setReadinessListener(() -> readinessDirty = true);
        // Frames arrive here in batches, each followed by stack.poll(): one ACK per batch of in-order data.
        this.stack.tcp().setAckCoalescing(true);
        // A Netty thread: Netty's pooled allocator keeps per-thread caches, and its object recyclers reuse buffer
        // objects, only on FastThreadLocalThreads; on a plain thread every frame would allocate a new ByteBuf.
        this.thread = new io.netty.util.concurrent.FastThreadLocalThread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Creates the stack on {@code device}, starts the device and the loop thread, and announces the stack. */
    public static EventLoop start(StackConfig config, NetworkDevice device) {
        EventLoop loop = new EventLoop(config, device, SystemClock.INSTANCE, "netstack4j-loop-" + device.name());
        if (device instanceof PolledDevice p && p.pollable() && !Boolean.getBoolean("netstack4j.readerThread")) {
            // The loop reads the device itself: frames reach the stack on this thread without a hand-off.
            loop.polled = p;
            p.startPolled(loop.stack);
        } else {
            device.start(loop.new QueuedReceiver());
        }
        loop.thread.start();
        loop.call(() -> {
            loop.stack.start();
            return null;
        });
        return loop;
    }

    /** A frame whose transport checksum the device vouched for, queued with that promise. */
    private record VerifiedFrame(ByteBuf frame) {
    }

    /** Queues the frames a device's own I/O thread delivers for the loop thread. */
    private final class QueuedReceiver implements FrameReceiver {
        @Override
        public void receive(ByteBuf frame) {
            enqueue(frame, frame);
        }

        @Override
        public void receive(ByteBuf frame, boolean transportChecksumVerified) {
            enqueue(frame, transportChecksumVerified ? new VerifiedFrame(frame) : frame);
        }

        private void enqueue(ByteBuf frame, Object item) {
            if (closing) {
                frame.release();
                return;
            }
            inbox.add(item);
            wake();
        }
    }

    private void run() {
        try {
            while (!closing) {
                // A polled device: read what is ready, at most a batch, so timers and socket calls get their
                // turn under a flood and the handlers see the batch at once (in stack.poll()).
                boolean moreFrames = polled != null && polled.readReady(FRAME_BATCH) == FRAME_BATCH;
                drainInbox();
                long next = stack.poll();
                if (readinessDirty) {
                    readinessDirty = false;
                    bumpReadiness();
                }
                if (moreFrames || !inbox.isEmpty() || closing) {
                    continue;
                }
                long wait = next == Pollable.NEVER ? MAX_PARK_NANOS : Math.min(MAX_PARK_NANOS, next - clock.nanos());
                if (wait > 0) {
                    parked = true;
                    if (inbox.isEmpty() && !closing) {
                        if (polled != null) {
                            polled.await(wait);
                        } else {
                            LockSupport.parkNanos(this, wait);
                        }
                    }
                    parked = false;
                }
            }
            drainInbox();
            stack.shutdown();
        } finally {
            if (polled != null) {
                polled.stopPolling();
            }
            stopped.countDown();
        }
    }

    private void wake() {
        if (parked) {
            if (polled != null) {
                polled.wakeUp();
            } else {
                LockSupport.unpark(thread);
            }
        }
    }

    private void drainInbox() {
        Object item;
        int budget = 4096;
        while (budget-- > 0 && (item = inbox.poll()) != null) {
            if (item instanceof ByteBuf frame) {
                stack.receive(frame);
            } else if (item instanceof VerifiedFrame v) {
                stack.receive(v.frame(), true);
            } else {
                stack.runEvent((Runnable) item);
            }
        }
    }

    private void bumpReadiness() {
        anySocket.signal();
    }

    @Override
    public NetStack stack() {
        return stack;
    }

    /** True when called on the loop's own thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Queues {@code task} to run on the loop thread. */
    public void execute(Runnable task) {
        if (closing) {
            throw new IllegalStateException("event loop is closed");
        }
        inbox.add(task);
        wake();
    }

    @Override
    public <T> T call(Supplier<T> action) {
        if (inLoop()) {
            return action.get();
        }
        FutureTask<T> task = new FutureTask<>(action::get);
        execute(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the event loop", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public long readinessVersion() {
        return anySocket.version();
    }

    @Override
    public boolean awaitReadiness(long seen, long timeoutNanos) {
        if (inLoop()) {
            throw new IllegalStateException("a blocking socket call on the event-loop thread would deadlock");
        }
        // close() sets closing, then bumps the signal once the loop has stopped.
        return closing || anySocket.await(seen, timeoutNanos);
    }

    /** Waits on the socket's own signal: only the threads blocked on that socket wake when it changes. */
    @Override
    public boolean await(ReadinessSignal signal, long seen, long timeoutNanos) {
        if (inLoop()) {
            throw new IllegalStateException("a blocking socket call on the event-loop thread would deadlock");
        }
        waiting.add(signal);
        try {
            // close() sets closing before it signals every registered waiter: one of the two sees the other.
            return closing || signal.await(seen, timeoutNanos);
        } finally {
            waiting.remove(signal);
        }
    }

    /** Stops the loop, shuts the stack down (releasing every buffer) and closes the device. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        // Stop the device first so that no frame arrives after the loop's last drain; the loop may still
        // transmit meanwhile, which a closed device drops and releases.
        stack.device().close();
        closing = true;
        for (ReadinessSignal s : waiting) {
            s.signal();
        }
        LockSupport.unpark(thread);
        if (polled != null) {
            polled.wakeUp();
        }
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("event loop did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Object item;
        while ((item = inbox.poll()) != null) {
            if (item instanceof ByteBuf frame) {
                frame.release();
            } else if (item instanceof VerifiedFrame v) {
                v.frame().release();
            } else if (item instanceof FutureTask<?> task) {
                task.cancel(false);
            }
        }
        bumpReadiness();
    }
}
