package org.netstack4j.interop;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.DeviceWrapper;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.TcpSegment;

/**
 * Wraps a device so that a test can hold back the frames the stack receives for a while and then release them
 * all, in order: while {@link #hold() held}, frames from the kernel queue up here (the kernel sees a link
 * with a long delay); {@link #release()} hands them to the stack in arrival order and lets later frames
 * through again, on the event loop's thread when the loop polls the device. There is no netem on these machines, and this is how a test makes segments cross in flight
 * (e.g. two FINs for a simultaneous close) deterministically. Passes everything through unless held.
 */
public final class InboundGate extends DeviceWrapper {
    private final Object lock = new Object();
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private FrameReceiver receiver;
    private boolean holding;
    /** Started by a polling event loop (see {@link #startPolled}). */
    private boolean polledMode;
    private boolean closed;
    /** Drop every n-th new inbound TCP data segment; 0 = never. */
    private int dropEvery;
    private int newDataSegments;
    private long highestEnd = -1;
    private int dropped;
    private final EthernetFrame ether = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();

    InboundGate(NetworkDevice inner) {
        super(inner);
    }

    @Override
    public void start(FrameReceiver receiver) {
        this.receiver = receiver;
        super.start(receiver);
    }

    @Override
    protected void inbound(ByteBuf frame, FrameReceiver receiver) {
        synchronized (lock) {
            if (closed) {
                frame.release();
            } else if (holding) {
                held.add(frame);
            } else if (dropEvery > 0 && isNthNewTcpData(frame)) {
                dropped++;
                frame.release();
            } else {
                receiver.receive(frame);
            }
        }
    }

    // Polled when the wrapped device is (the TAP): frames then reach the stack on the event loop's thread, and
    // released frames wait for the loop's next read instead of being handed over from the test's thread.

    @Override
    public void startPolled(FrameReceiver receiver) {
        this.receiver = receiver;
        polledMode = true;
        super.startPolled(receiver);
    }

    @Override
    public int readReady(int max) {
        synchronized (lock) {
            ByteBuf f;
            while (!holding && (f = held.poll()) != null) {
                receiver.receive(f);
            }
        }
        return super.readReady(max);
    }

    @Override
    public void await(long timeoutNanos) {
        synchronized (lock) {
            if (!holding && !held.isEmpty()) {
                return;
            }
        }
        super.await(timeoutNanos);
    }

    /**
     * From now on, drops every {@code n}-th TCP segment that carries new data (sequence space beyond the highest seen
     * so far), as a lossy link would; retransmissions always pass, so every loss can be repaired.
     */
    public void dropEveryNthNewTcpSegment(int n) {
        synchronized (lock) {
            dropEvery = n;
        }
    }

    /** Segments dropped by {@link #dropEveryNthNewTcpSegment}. */
    public int droppedSegments() {
        synchronized (lock) {
            return dropped;
        }
    }

    private boolean isNthNewTcpData(ByteBuf frame) {
        ether.wrap(frame, frame.readerIndex(), frame.readableBytes());
        if (ether.check() != null || ether.etherType() != EthernetFrame.TYPE_IPV4) {
            return false;
        }
        ip.wrap(frame, ether.payloadOffset(), ether.payloadLength());
        if (ip.checkStructure() != null || ip.protocol() != Ipv4Packet.PROTO_TCP || ip.isFragment()) {
            return false;
        }
        tcp.wrap(frame, ip.payloadOffset(), ip.totalLength() - ip.headerLength());
        if (tcp.check() != null) {
            return false;
        }
        int payload = ip.totalLength() - ip.headerLength() - tcp.headerLength();
        long end = (tcp.sequenceNumber() + payload) & 0xFFFF_FFFFL;
        if (payload == 0 || highestEnd >= 0 && (int) (end - highestEnd) <= 0) {
            return false;
        }
        highestEnd = end;
        return ++newDataSegments % dropEvery == 0;
    }

    /** From now on, received frames wait here. */
    public void hold() {
        synchronized (lock) {
            holding = true;
        }
    }

    /** Frames waiting here now. */
    public int heldFrames() {
        synchronized (lock) {
            return held.size();
        }
    }

    /** Delivers the waiting frames in order and lets later frames through. */
    public void release() {
        synchronized (lock) {
            holding = false;
            if (polledMode) {
                wakeUp(); // the loop delivers them, in order, before any newer frame
                return;
            }
            ByteBuf f;
            while ((f = held.poll()) != null) {
                if (closed) {
                    f.release();
                } else {
                    receiver.receive(f);
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            ByteBuf f;
            while ((f = held.poll()) != null) {
                f.release();
            }
        }
        super.close();
    }
}
