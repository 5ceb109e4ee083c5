package org.netstack4j.testing;

import org.netstack4j.link.FaultInjectingDevice;
import org.netstack4j.link.FaultProfile;
import org.netstack4j.link.InMemoryLink;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapRecordingDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.Simulation;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * Two stacks, A (10.0.0.1) and B (10.0.0.2) on 10.0.0.0/24, joined by an in-memory cable in one
 * {@link Simulation}, each end optionally damaging what it sends with a seeded {@link FaultProfile}, A's side
 * recorded to a pcap. The workhorse of the in-memory integration tests.
 */
public final class TwoStacks implements AutoCloseable {
    /** A's address. */
    public static final Ipv4Address A = Ipv4Address.parse("10.0.0.1");
    /** B's address. */
    public static final Ipv4Address B = Ipv4Address.parse("10.0.0.2");
    /** A's MAC. */
    public static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:01");
    /** B's MAC. */
    public static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:02");

    /** The simulation both run in. */
    public final Simulation sim = new Simulation();
    /** Stack A. */
    public final NetStack a;
    /** Stack B. */
    public final NetStack b;
    /** A's socket API. */
    public final BsdSockets socketsA;
    /** B's socket API. */
    public final BsdSockets socketsB;
    /** The fault injector on A's sending side, or null. */
    public final FaultInjectingDevice faultsA;
    /** The fault injector on B's sending side, or null. */
    public final FaultInjectingDevice faultsB;

    private TwoStacks(int mtu, FaultProfile faults, long seed, PcapWriter capture,
                      java.util.function.UnaryOperator<StackConfig.Builder> tune,
                      java.util.function.UnaryOperator<NetworkDevice> wrapA) {
        InMemoryLink link = InMemoryLink.create(sim.scheduler(), mtu, 10_000);
        NetworkDevice devA = wrapA.apply(link.a());
        NetworkDevice devB = link.b();
        if (faults != FaultProfile.NONE) {
            faultsA = new FaultInjectingDevice(devA, sim.scheduler(), faults, seed);
            faultsB = new FaultInjectingDevice(devB, sim.scheduler(), faults, seed * 31 + 7);
            devA = faultsA;
            devB = faultsB;
        } else {
            faultsA = null;
            faultsB = null;
        }
        if (capture != null) {
            devA = new PcapRecordingDevice(devA, capture, sim.clock());
        }
        a = sim.addStack(tune.apply(StackConfig.builder(MAC_A, A, 24).seed(seed)).build(), devA);
        b = sim.addStack(tune.apply(StackConfig.builder(MAC_B, B, 24).seed(seed + 1)).build(), devB);
        socketsA = new BsdSockets(sim.driver(a));
        socketsB = new BsdSockets(sim.driver(b));
    }

    /** A clean 1500-byte-MTU cable. */
    public static TwoStacks create(PcapWriter capture) {
        return new TwoStacks(1500, FaultProfile.NONE, 1, capture, c -> c, d -> d);
    }

    /** A cable with the given MTU, faults and seed. */
    public static TwoStacks create(int mtu, FaultProfile faults, long seed, PcapWriter capture) {
        return new TwoStacks(mtu, faults, seed, capture, c -> c, d -> d);
    }

    /** Like {@link #create(int, FaultProfile, long, PcapWriter)} with extra configuration of both stacks. */
    public static TwoStacks create(int mtu, FaultProfile faults, long seed, PcapWriter capture,
                                   java.util.function.UnaryOperator<StackConfig.Builder> tune) {
        return new TwoStacks(mtu, faults, seed, capture, tune, d -> d);
    }

    /**
     * A clean cable with the given MTU whose A end is {@code wrapA} applied to A's link device (e.g. a device
     * that offloads checksums), inside any recording.
     */
    public static TwoStacks create(int mtu, java.util.function.UnaryOperator<NetworkDevice> wrapA) {
        return new TwoStacks(mtu, FaultProfile.NONE, 1, null, c -> c, wrapA);
    }

    @Override
    public void close() {
        sim.close();
    }
}
