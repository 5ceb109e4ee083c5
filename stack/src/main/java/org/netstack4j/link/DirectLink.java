package org.netstack4j.link;

import io.netty.buffer.ByteBuf;

/**
 * A cable for stacks driven by {@link org.netstack4j.stack.EventLoop}s in real time: a frame sent on one end
 * is handed at once to the other end's receiver, which queues it for that stack's own thread. Never use it
 * inside a {@link org.netstack4j.stack.Simulation}: there the receiver is the stack itself and delivery would
 * re-enter the sender; use {@link InMemoryLink} instead.
 */
public final class DirectLink {
    private final End a;
    private final End b;

    /** A cable with the given MTU. */
    public DirectLink(int mtu) {
        a = new End("direct0", mtu);
        b = new End("direct1", mtu);
        a.peer = b;
        b.peer = a;
    }

    /** The first end. */
    public NetworkDevice a() {
        return a;
    }

    /** The second end. */
    public NetworkDevice b() {
        return b;
    }

    private static final class End implements NetworkDevice {
        private final String name;
        private final int mtu;
        private End peer;
        private volatile FrameReceiver receiver;
        private volatile boolean closed;

        End(String name, int mtu) {
            this.name = name;
            this.mtu = mtu;
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
            FrameReceiver r = peer.receiver;
            if (closed || peer.closed || r == null || frame.readableBytes() > mtu + 14) {
                frame.release();
                return;
            }
            r.receive(frame);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
