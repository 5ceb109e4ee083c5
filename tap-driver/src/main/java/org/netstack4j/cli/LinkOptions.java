package org.netstack4j.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.netstack4j.device.TapDevice;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The link flags shared by {@code run} and {@code nc}: the TAP to create, the stack's and the kernel's
 * addresses, an optional namespace for the kernel side, MTU, capture, gateway and MAC; their checks; and the
 * set-up of the link in a {@link RunSession}.
 */
public final class LinkOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--tap", required = true, paramLabel = "NAME", converter = Converters.InterfaceName.class,
            description = "Name of the TAP device to create (at most 15 bytes), e.g. ns4j0.")
    private String tap;

    @Option(names = "--address", required = true, paramLabel = "A/P", converter = AddressWithPrefix.Converter.class,
            description = "The stack's address and prefix length, e.g. 10.77.0.2/24.")
    private AddressWithPrefix address;

    @Option(names = "--peer-address", required = true, paramLabel = "B/P",
            converter = AddressWithPrefix.Converter.class,
            description = "The kernel's address on the TAP, in the same subnet, e.g. 10.77.0.1/24.")
    private AddressWithPrefix peer;

    @Option(names = "--netns", paramLabel = "NS", converter = Converters.NamespaceName.class,
            description = "Put the kernel end of the TAP into this network namespace (created if missing, and then"
                    + " deleted at the end).")
    private String netns;

    @Option(names = "--mtu", paramLabel = "N", defaultValue = "1500", converter = Converters.Mtu.class,
            description = "IP MTU of the TAP, 576..65520 (default: ${DEFAULT-VALUE}).")
    private int mtu;

    @Option(names = "--offload", paramLabel = "on|off", defaultValue = "on", converter = Converters.Offload.class,
            description = "Checksum and TCP segmentation offloads on the TAP (IFF_VNET_HDR), where the kernel"
                    + " supports them (default: ${DEFAULT-VALUE}).")
    private TapDevice.Offload offload;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Record every frame to this .pcap file.")
    private Path pcap;

    @Option(names = "--gateway", paramLabel = "G", converter = Converters.Address.class,
            description = "Default gateway of the stack, inside its subnet (default: none).")
    private Ipv4Address gateway;

    @Option(names = "--mac", paramLabel = "MAC", converter = Converters.Mac.class,
            description = "The stack's MAC (default: 02:00 followed by the address bytes).")
    private MacAddress mac;

    /** The checks picocli cannot do alone because they involve several options. */
    void checkFlags() {
        Ipv4Address a = address.address();
        Ipv4Address b = peer.address();
        usable("--address", address);
        usable("--peer-address", peer);
        if (a.equals(b)) {
            fail("--peer-address " + b + " is the stack's own address; give the kernel side another address in "
                    + address.network() + "/" + address.prefixLength());
        }
        if (!address.contains(b)) {
            fail("--peer-address " + b + " is outside the stack's subnet " + address.network() + "/"
                    + address.prefixLength());
        }
        if (!peer.contains(a)) {
            fail("--address " + a + " is outside the kernel side's subnet " + peer.network() + "/"
                    + peer.prefixLength() + " given by --peer-address " + peer);
        }
        if (gateway != null && (gateway.equals(a) || !address.contains(gateway))) {
            fail("--gateway " + gateway + " must be another address inside " + address.network() + "/"
                    + address.prefixLength());
        }
    }

    private void usable(String option, AddressWithPrefix ap) {
        Ipv4Address x = ap.address();
        int first = x.bits() >>> 24;
        if (first == 0 || first == 127 || first >= 224) {
            fail(option + " " + x + " is not a usable unicast address (0/8, 127/8, multicast and 240/4 are not)");
        }
        if (ap.prefixLength() <= 30 && (x.equals(ap.network()) || x.equals(ap.broadcast()))) {
            fail(option + " " + x + " is the " + (x.equals(ap.network()) ? "network" : "broadcast")
                    + " address of " + ap.network() + "/" + ap.prefixLength() + "; pick a host address");
        }
    }

    private void fail(String message) {
        throw new ParameterException(spec.commandLine(), message);
    }

    /** Refuses addresses or a TAP name that already exist where the kernel side will live. */
    void checkClashes(KernelSide kernel) {
        if (netns == null || Namespaces.exists(netns)) {
            for (AddressWithPrefix ap : new AddressWithPrefix[] {address, peer}) {
                Optional<String> holder = kernel.interfaceWith(ap.address());
                if (holder.isPresent()) {
                    throw new CliException(ap.address() + " is already assigned to " + holder.get() + " "
                            + kernel.where() + "; pick other addresses" + (netns == null ? " or use --netns" : ""));
                }
            }
            if (kernel.hasInterface(tap)) {
                throw new CliException("an interface called " + tap + " already exists " + kernel.where()
                        + "; pick another --tap name");
            }
        }
        if (netns != null && KernelSide.host().hasInterface(tap)) {
            throw new CliException("an interface called " + tap + " already exists on this host (the TAP is created"
                    + " there first); pick another --tap name");
        }
    }

    /** The stack's MAC: --mac, else 02:00 followed by the address bytes. */
    MacAddress stackMac() {
        return mac != null ? mac : LocalMac.forAddress(address.address());
    }

    /** The stack's configuration from these flags, with a fresh random seed. */
    StackConfig config() {
        return StackConfig.builder(stackMac(), address.address(), address.prefixLength())
                .gateway(gateway).seed(RunSession.randomSeed()).build();
    }

    /** Opens the capture, the namespace if it is missing, the TAP; moves and configures the kernel side. */
    TapDevice open(RunSession session, KernelSide kernel) {
        if (pcap != null) {
            session.openCapture(pcap);
        }
        if (netns != null && !Namespaces.exists(netns)) {
            session.createNamespace(netns);
        }
        TapDevice device = session.openTap(tap, mtu, offload);
        kernel.adopt(device.name());
        kernel.configure(device.name(), peer, mtu);
        return device;
    }

    String tap() {
        return tap;
    }

    AddressWithPrefix address() {
        return address;
    }

    AddressWithPrefix peer() {
        return peer;
    }

    String netns() {
        return netns;
    }

    int mtu() {
        return mtu;
    }

    Path pcap() {
        return pcap;
    }

    Ipv4Address gateway() {
        return gateway;
    }
}
