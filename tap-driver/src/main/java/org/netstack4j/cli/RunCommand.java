package org.netstack4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.netstack4j.device.TapDevice;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code netstack4j run}: a stack on a new TAP device whose kernel end gets {@code --peer-address}, optionally
 * inside a network namespace so that the host's networking stays untouched. It runs until SIGINT or SIGTERM,
 * then prints its counters and removes what it created. Where no TAP may be created it runs the {@link Demo}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs a stack on a new TAP device until Ctrl-C or SIGTERM.",
                "Needs root or CAP_NET_ADMIN; without them it runs the in-memory demo instead."})
public final class RunCommand implements Callable<Integer> {
    @Spec
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

    @Option(names = "--pcap", paramLabel = "FILE", description = "Record every frame to this .pcap file.")
    private Path pcap;

    @Option(names = "--services", paramLabel = "LIST", defaultValue = "echo,discard,daytime",
            converter = ServiceList.Converter.class,
            description = "Services to offer: any of echo,discard,daytime,chargen,http, or none"
                    + " (default: ${DEFAULT-VALUE}).")
    private ServiceList services;

    @Option(names = "--gateway", paramLabel = "G", converter = Converters.Address.class,
            description = "Default gateway of the stack, inside its subnet (default: none).")
    private Ipv4Address gateway;

    @Option(names = "--mac", paramLabel = "MAC", converter = Converters.Mac.class,
            description = "The stack's MAC (default: 02:00 followed by the address bytes).")
    private MacAddress mac;

    @Override
    public Integer call() throws InterruptedException {
        checkFlags();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> cannot = TapDevice.probe();
        if (cannot.isPresent()) {
            err.println(ErrorReporter.PREFIX + "cannot create a TAP device (" + cannot.get()
                    + "); running the in-memory demo instead");
            err.flush();
            return Demo.run(out, pcap != null ? pcap : Demo.DEFAULT_CAPTURE, 1, 0);
        }
        KernelSide kernel = KernelSide.of(netns);
        checkClashes(kernel);
        int code = ExitCodes.ERROR;
        try (StopSignal stop = StopSignal.install(); RunSession session = new RunSession(out, err)) {
            try {
                if (pcap != null) {
                    session.openCapture(pcap);
                }
                if (netns != null && !Namespaces.exists(netns)) {
                    session.createNamespace(netns);
                }
                TapDevice device = session.openTap(tap, mtu);
                kernel.adopt(device.name());
                kernel.configure(device.name(), peer, mtu);
                MacAddress stackMac = mac != null ? mac : LocalMac.forAddress(address.address());
                StackConfig config = StackConfig.builder(stackMac, address.address(), address.prefixLength())
                        .gateway(gateway).seed(RunSession.randomSeed()).build();
                session.start(config, services.names());
                printHowToTry(out, kernel, stackMac);
                out.println("ready: " + address.address() + " on " + device.name()
                        + (netns != null ? " in namespace " + netns : "") + " (mtu " + mtu + ")");
                out.flush();
                stop.await();
                out.println();
                out.println("stopping: signal received");
                code = ExitCodes.OK;
            } finally {
                session.close();
                stop.finish(code);
            }
        }
        return code;
    }

    /** The checks picocli cannot do alone because they involve several options. */
    private void checkFlags() {
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
    private void checkClashes(KernelSide kernel) {
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

    private void printHowToTry(PrintWriter out, KernelSide kernel, MacAddress stackMac) {
        String p = kernel.execPrefix();
        String ip = address.address().toString();
        out.println("stack:  " + address + " (MAC " + stackMac + ") on TAP " + tap + ", mtu " + mtu
                + (gateway != null ? ", gateway " + gateway : ""));
        out.println("kernel: " + peer + " on " + tap + " " + kernel.where());
        out.println("services: " + (services.names().isEmpty() ? "none" : String.join(", ",
                services.names().stream().map(n -> n + " on " + ServiceList.ports(n)).toList())));
        if (pcap != null) {
            out.println("recording to: " + pcap.toAbsolutePath());
        }
        out.println("try, from another terminal:");
        out.println("  " + p + "ping " + ip);
        for (String name : services.names()) {
            switch (name) {
                case "echo" -> {
                    out.println("  echo hi | " + p + "nc -u -w1 " + ip + " 7      (UDP echo: you get hi back)");
                    out.println("  echo hi | " + p + "nc -N " + ip + " 7          (TCP echo)");
                }
                case "daytime" -> out.println("  echo | " + p + "nc -u -w1 " + ip + " 13        (daytime: the date and time)");
                case "discard" -> out.println("  echo hi | " + p + "nc -u -w1 " + ip + " 9      (discard: no answer, only"
                        + " counted)");
                case "chargen" -> out.println("  " + p + "nc " + ip + " 19 | head -n 3    (chargen: lines of characters)");
                case "http" -> out.println("  " + p + "curl -s http://" + ip + "/bytes/1000 | wc -c    (http: 1000 bytes)");
                default -> out.println("  " + name + " on " + ServiceList.ports(name));
            }
        }
        out.println("stop it with Ctrl-C or SIGTERM: it prints its counters and removes what it created.");
    }
}
