package org.netstack4j.link;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.netstack4j.time.Clock;
import org.netstack4j.time.Pollable;

/**
 * A queue of timed link events — frames in flight, delayed frames — run by the thread that owns the stacks.
 * Events due at the same time run in the order they were scheduled, so a seeded simulation is repeatable.
 * Frames still queued when the scheduler is closed are released, never leaked.
 */
public final class LinkScheduler implements Pollable, AutoCloseable {
    /** A frame in flight; reused once delivered, so that a steady flow of frames allocates no events. */
    private static final class Event implements Comparable<Event> {
        long time;
        long order;
        ByteBuf frame;
        Consumer<ByteBuf> target;

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private final Clock clock;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    /** Delivered events, ready for reuse. */
    private final ArrayDeque<Event> spare = new ArrayDeque<>();
    private long order;

    /** A scheduler reading time from {@code clock}. */
    public LinkScheduler(Clock clock) {
        this.clock = clock;
    }

    /** The current time of the clock. */
    public long now() {
        return clock.nanos();
    }

    /** Hands {@code frame} to {@code target} when the clock reaches {@code time}; owns the frame until then. */
    public void deliverAt(long time, ByteBuf frame, Consumer<ByteBuf> target) {
        Event e = spare.poll();
        if (e == null) {
            e = new Event();
        }
        e.time = time;
        e.order = order++;
        e.frame = frame;
        e.target = target;
        events.add(e);
    }

    /** When the next frame in flight is due, or {@link #NEVER}; delivers nothing. */
    public long nextDeadline() {
        return events.isEmpty() ? NEVER : events.peek().time;
    }

    /** Number of frames in flight. */
    public int pending() {
        return events.size();
    }

    @Override
    public long poll() {
        long now = clock.nanos();
        while (!events.isEmpty() && events.peek().time <= now) {
            Event e = events.poll();
            ByteBuf frame = e.frame;
            Consumer<ByteBuf> target = e.target;
            e.frame = null;
            e.target = null;
            spare.push(e);
            target.accept(frame);
        }
        return events.isEmpty() ? NEVER : events.peek().time;
    }

    /** Releases every frame still in flight. */
    @Override
    public void close() {
        Event e;
        while ((e = events.poll()) != null) {
            e.frame.release();
        }
    }
}
