package org.netstack4j.link;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * A point-to-point Ethernet cable between two {@link NetworkDevice}s inside one JVM. A frame sent on one end
 * arrives at the other end after a fixed latency, through the {@link LinkScheduler}, so delivery never
 * re-enters the sender's call stack and the whole exchange runs in virtual time when the scheduler does.
 * Loss, reordering and the rest come from wrapping an end in a {@link FaultInjectingDevice}.
 */
public final class InMemoryLink {
    private final End a;
    private final End b;

    private InMemoryLink(LinkScheduler scheduler, int mtu, long latencyNanos, String nameA, String nameB) {
        this.a = new End(nameA, scheduler, mtu, latencyNanos);
        this.b = new End(nameB, scheduler, mtu, latencyNanos);
        a.peer = b;
        b.peer = a;
    }

    /** A cable with the given MTU and one-way latency whose ends are called {@code mem0} and {@code mem1}. */
    public static InMemoryLink create(LinkScheduler scheduler, int mtu, long latencyNanos) {
        return new InMemoryLink(scheduler, mtu, latencyNanos, "mem0", "mem1");
    }

    /** The first end. */
    public NetworkDevice a() {
        return a;
    }

    /** The second end. */
    public NetworkDevice b() {
        return b;
    }

    /** One end of the cable. */
    static final class End implements NetworkDevice {
        private final String name;
        private final LinkScheduler scheduler;
        private final int mtu;
        private final long latency;
        private End peer;
        /** {@code arrive} as a target for the scheduler, made once rather than per frame. */
        private final Consumer<ByteBuf> arrival = this::arrive;
        private FrameReceiver receiver;
        private boolean closed;
        private long sent;
        private long dropped;

        End(String name, LinkScheduler scheduler, int mtu, long latency) {
            this.name = name;
            this.scheduler = scheduler;
            this.mtu = mtu;
            this.latency = latency;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public void start(FrameReceiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void transmit(ByteBuf frame) {
            // A frame larger than the MTU allows would be dropped by a real NIC; model that.
            if (closed || frame.readableBytes() > mtu + 14) {
                dropped++;
                frame.release();
                return;
            }
            sent++;
            scheduler.deliverAt(scheduler.now() + latency, frame, peer.arrival);
        }

        private void arrive(ByteBuf frame) {
            if (closed || receiver == null) {
                dropped++;
                frame.release();
                return;
            }
            receiver.receive(frame);
        }

        /** Frames sent through this end. */
        long sent() {
            return sent;
        }

        /** Frames dropped for being too large or arriving at a closed end. */
        long dropped() {
            return dropped;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
