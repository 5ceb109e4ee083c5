package org.netstack4j.testing;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;

/**
 * A device for tests that play the peer by hand: it keeps every frame the stack sends for the test to take
 * and inspect (the test releases what it takes), and releases what is left on close.
 */
public final class CapturingDevice implements NetworkDevice {
    private final int mtu;
    private final boolean tcpChecksumOffload;
    private final ArrayDeque<ByteBuf> sent = new ArrayDeque<>();

    /** A device with the given MTU. */
    public CapturingDevice(int mtu) {
        this(mtu, false);
    }

    /**
     * A device with the given MTU that, with {@code tcpChecksumOffload}, agrees to complete TCP checksums
     * (it does not: the test sees the partial checksums the stack leaves, as a kernel would receive them).
     */
    public CapturingDevice(int mtu, boolean tcpChecksumOffload) {
        this.mtu = mtu;
        this.tcpChecksumOffload = tcpChecksumOffload;
    }

    @Override
    public boolean enableTcpChecksumOffload() {
        return tcpChecksumOffload;
    }

    @Override
    public String name() {
        return "capture0";
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void start(FrameReceiver receiver) {
        // The test injects frames with NetStack.receive directly.
    }

    @Override
    public void transmit(ByteBuf frame) {
        sent.add(frame);
    }

    /** The oldest frame not yet taken, or null; the caller releases it. */
    public ByteBuf take() {
        return sent.poll();
    }

    /** Frames not yet taken. */
    public int pending() {
        return sent.size();
    }

    /** Releases every frame not yet taken; returns how many there were. */
    public int discardAll() {
        int n = sent.size();
        ByteBuf f;
        while ((f = sent.poll()) != null) {
            f.release();
        }
        return n;
    }

    @Override
    public void close() {
        discardAll();
    }
}
