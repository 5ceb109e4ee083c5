package org.netstack4j.packetdrill;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.Deque;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.time.Clock;

/**
 * The in-memory device the stack under test sits on: what the stack transmits is copied into a queue stamped
 * with the virtual time; what the script injects goes straight to the stack. Both directions can be recorded
 * to a pcap file.
 */
final class ScriptDevice implements NetworkDevice {
    /** A frame the stack sent and when. */
    record Sent(long nanos, byte[] frame) {
    }

    private final int mtu;
    private final Clock clock;
    private final PcapWriter pcap;
    private final Deque<Sent> sent = new ArrayDeque<>();
    private FrameReceiver receiver;
    private boolean closed;

    ScriptDevice(int mtu, Clock clock, PcapWriter pcap) {
        this.mtu = mtu;
        this.clock = clock;
        this.pcap = pcap;
    }

    @Override
    public String name() {
        return "packetdrill0";
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void start(FrameReceiver r) {
        this.receiver = r;
    }

    @Override
    public void transmit(ByteBuf frame) {
        try {
            if (closed) {
                return;
            }
            if (pcap != null) {
                pcap.write(clock.nanos(), frame);
            }
            sent.add(new Sent(clock.nanos(), ByteBufUtil.getBytes(frame)));
        } finally {
            frame.release();
        }
    }

    /** Hands a frame to the stack as if it had arrived now. */
    void inject(byte[] frame) {
        ByteBuf b = Unpooled.wrappedBuffer(frame);
        if (pcap != null) {
            pcap.write(clock.nanos(), b);
        }
        receiver.receive(b);
    }

    /** The sent frames not yet taken, oldest first. */
    Deque<Sent> sent() {
        return sent;
    }

    @Override
    public void close() {
        closed = true;
        sent.clear();
    }
}
