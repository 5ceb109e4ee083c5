package org.netstack4j.testing;

import org.netstack4j.socket.BsdSockets;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.Simulation;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * One stack (10.0.0.1/24) on a {@link CapturingDevice}, in virtual time, for tests that play the peer
 * (10.0.0.2) frame by frame. The gratuitous ARP sent at start is discarded.
 */
public final class OneStack implements AutoCloseable {
    /** Our address. */
    public static final Ipv4Address US = TwoStacks.A;
    /** The peer the test plays. */
    public static final Ipv4Address PEER = TwoStacks.B;
    /** Our MAC. */
    public static final MacAddress US_MAC = TwoStacks.MAC_A;
    /** The peer's MAC. */
    public static final MacAddress PEER_MAC = TwoStacks.MAC_B;

    /** The simulation (clock). */
    public final Simulation sim = new Simulation();
    /** What the stack sent. */
    public final CapturingDevice wire;
    /** The stack. */
    public final NetStack stack;
    /** Its sockets. */
    public final BsdSockets sockets;

    /** A stack with default configuration. */
    public OneStack() {
        this(b -> b);
    }

    /** A stack with extra configuration. */
    public OneStack(java.util.function.UnaryOperator<StackConfig.Builder> tune) {
        this(1500, tune);
    }

    /** A stack with the given MTU and extra configuration. */
    public OneStack(int mtu, java.util.function.UnaryOperator<StackConfig.Builder> tune) {
        this(new CapturingDevice(mtu), d -> d, tune);
    }

    /**
     * A stack whose device is {@code wrap} applied to {@code wire} (the wrapper a test wants to check, or the
     * wire itself); frames the stack sends still end up in {@code wire}.
     */
    public OneStack(CapturingDevice wire, java.util.function.UnaryOperator<org.netstack4j.link.NetworkDevice> wrap,
                    java.util.function.UnaryOperator<StackConfig.Builder> tune) {
        this.wire = wire;
        stack = sim.addStack(tune.apply(StackConfig.builder(US_MAC, US, 24)).build(), wrap.apply(wire));
        sockets = new BsdSockets(sim.driver(stack));
        wire.discardAll();
    }

    /** Hands {@code frame} to the stack as if it had arrived (the stack releases it). */
    public void inject(io.netty.buffer.ByteBuf frame) {
        stack.receive(frame);
    }

    /** Teaches the stack the peer's MAC by answering the way a peer's ARP request would. */
    public void learnPeer() {
        inject(Frames.arp(US_MAC, new org.netstack4j.wire.ArpMessage(org.netstack4j.wire.ArpPacket.OP_REQUEST,
                PEER_MAC, PEER, MacAddress.ZERO, US)));
        wire.discardAll();
    }

    @Override
    public void close() {
        sim.close();
    }
}
