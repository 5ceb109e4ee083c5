package org.netstack4j.link;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small learning Ethernet switch inside one JVM: each {@link #newPort()} is a device a stack can use.
 * Source MACs are learnt per port; frames to a known unicast MAC go to that port, all others are flooded to
 * every other port. Delivery goes through the {@link LinkScheduler} like {@link InMemoryLink}.
 */
public final class InMemorySwitch {
    private final LinkScheduler scheduler;
    private final int mtu;
    private final long latency;
    private final List<Port> ports = new ArrayList<>();
    private final Map<Long, Port> macTable = new HashMap<>();

    /** A switch whose ports have the given MTU and one-way latency. */
    public InMemorySwitch(LinkScheduler scheduler, int mtu, long latencyNanos) {
        this.scheduler = scheduler;
        this.mtu = mtu;
        this.latency = latencyNanos;
    }

    /** Adds a port and returns the device that plugs into it. */
    public NetworkDevice newPort() {
        Port p = new Port("sw" + ports.size());
        ports.add(p);
        return p;
    }

    private void forward(Port from, ByteBuf frame) {
        if (frame.readableBytes() < 14 || frame.readableBytes() > mtu + 14) {
            frame.release();
            return;
        }
        int at = frame.readerIndex();
        long dst = frame.getUnsignedInt(at) << 16 | frame.getUnsignedShort(at + 4);
        long src = frame.getUnsignedInt(at + 6) << 16 | frame.getUnsignedShort(at + 10);
        if ((src & 0x0100_0000_0000L) == 0) {
            macTable.put(src, from);
        }
        Port known = (dst & 0x0100_0000_0000L) == 0 ? macTable.get(dst) : null;
        if (known != null) {
            if (known != from) {
                scheduler.deliverAt(scheduler.now() + latency, frame, known::arrive);
            } else {
                frame.release();
            }
            return;
        }
        for (Port p : ports) {
            if (p != from) {
                scheduler.deliverAt(scheduler.now() + latency, frame.retainedDuplicate(), p::arrive);
            }
        }
        frame.release();
    }

    private final class Port implements NetworkDevice {
        private final String name;
        private FrameReceiver receiver;
        private boolean closed;

        Port(String name) {
            this.name = name;
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
            if (closed) {
                frame.release();
                return;
            }
            forward(this, frame);
        }

        void arrive(ByteBuf frame) {
            if (closed || receiver == null) {
                frame.release();
                return;
            }
            receiver.receive(frame);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
