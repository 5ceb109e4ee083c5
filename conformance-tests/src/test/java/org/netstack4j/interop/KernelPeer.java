package org.netstack4j.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.TestInfo;
import org.netstack4j.device.PcapLiveDevice;
import org.netstack4j.device.TapDevice;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.stats.Counter;
import org.netstack4j.stats.Counters;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * One netstack4j stack facing the Linux kernel inside a network namespace made for one test.
 *
 * <p>The stack gets {@code 10.N.0.2/24}, the kernel {@code 10.N.0.1/24} on its end of the link (a TAP whose
 * fd the stack keeps, or a veth pair whose host end the stack drives through libpcap). The stack is an
 * {@link InteropStack}: an {@link EventLoop} with {@link BsdSockets} and the standard services. Every frame in
 * both directions goes to {@code target/interop-pcaps/<test>.pcap}.
 *
 * <p>Cleanup is guaranteed (a {@link Cleanup}): {@link #close()}, or a failure half-way through set-up, undoes
 * everything in reverse order — services, event loop (which closes the device and so deletes the TAP),
 * capture file, veth pair, namespace. Deleting the namespace also deletes any interface still inside it.
 */
public final class KernelPeer implements AutoCloseable, StackEnd {

    /** Where the captures go: {@code conformance-tests/target/interop-pcaps}. */
    public static final Path PCAP_DIR = Path.of(System.getProperty("basedir", "."), "target", "interop-pcaps");

    private final Cleanup undo;
    private final String ns;
    private final String kernelIfName;
    private final Ipv4Address kernelIp;
    private final Ipv4Address stackIp;
    private final MacAddress stackMac;
    private final Path capture;
    private ReceiveRecorder receiveRecorder;
    private InteropStack stack;
    private TapDevice tap;

    /** Which link joins the stack and the kernel. */
    enum Link { TAP, VETH_PCAP }

    private KernelPeer(String suffix, String kernelIfName, int subnet, Path capture) {
        this.ns = "n4j" + suffix;
        this.undo = new Cleanup("namespace " + ns);
        this.kernelIfName = kernelIfName;
        this.kernelIp = Ipv4Address.of(10, subnet, 0, 1);
        this.stackIp = Ipv4Address.of(10, subnet, 0, 2);
        this.stackMac = new MacAddress(0x02_4e_34_00_00_00L | ThreadLocalRandom.current().nextInt(1, 1 << 24));
        this.capture = capture;
    }

    /** Skips the test, saying why, unless it runs as root with /dev/net/tun and iproute2. */
    public static void assumeTapPossible() {
        assumeRoot();
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "skipped: /dev/net/tun is missing; cannot create a TAP");
    }

    /** Skips the test, saying why, unless it runs as root and libpcap can be loaded. */
    static void assumePcapPossible() {
        assumeRoot();
        boolean loaded;
        String why = "";
        try {
            org.pcap4j.core.Pcaps.libVersion();
            loaded = true;
        } catch (Throwable t) {
            loaded = false;
            why = t.toString();
        }
        assumeTrue(loaded, "skipped: libpcap cannot be loaded (apt-get install libpcap0.8): " + why);
    }

    /** Skips the test unless {@code tool} is on the PATH. */
    static void assumeTool(String tool) {
        assumeTrue(Sh.succeeds("sh", "-c", "command -v " + tool), "skipped: " + tool + " is not installed");
    }

    private static void assumeRoot() {
        long uid = effectiveUid();
        assumeTrue(uid == 0, "skipped: not root (effective uid " + uid
                + "); kernel interop tests create network namespaces and TAP/veth interfaces");
        assumeTrue(Sh.succeeds("ip", "-V"), "skipped: the ip command (iproute2) is not installed");
    }

    private static long effectiveUid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .mapToLong(l -> Long.parseLong(l.split("\\s+")[2]))
                    .findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A file name for the capture of the running test, e.g. {@code KernelPingTest.pings_8000_.pcap}. */
    public static String captureName(TestInfo info) {
        return captureName(info.getTestClass(), info.getTestMethod(), info.getDisplayName());
    }

    /** A file name for the capture of a test, from what JUnit tells about it (also to extensions). */
    public static String captureName(java.util.Optional<Class<?>> testClass,
            java.util.Optional<java.lang.reflect.Method> testMethod, String display) {
        String method = testMethod.map(m -> m.getName()).orElse("test");
        String base = testClass.map(Class::getSimpleName).orElse("Interop") + "." + method
                + (display.startsWith(method + "(") ? "" : "-" + display);
        return base.replaceAll("[^A-Za-z0-9._-]+", "_") + ".pcap";
    }

    /** A stack on a TAP with the given MTU, captured to {@code captureName}. */
    static KernelPeer overTap(String captureName, int mtu) {
        return start(Link.TAP, captureName, mtu, null);
    }

    /**
     * A stack on a TAP with the given MTU and offload setting, captured to {@code captureName}, or not captured
     * at all if it is null (for transfers of hundreds of megabytes).
     */
    static KernelPeer overTap(String captureName, int mtu, TapDevice.Offload offload) {
        return start(Link.TAP, captureName, mtu, null, offload);
    }

    /**
     * Starts a stack over {@code link}; when {@code receivedCapture} is not null, the frames the stack
     * receives are also written there, alone, for replay (see {@link #freezeInput()}).
     */
    static KernelPeer start(Link link, String captureName, int mtu, Path receivedCapture) {
        return start(link, captureName, mtu, receivedCapture, TapDevice.Offload.OFF);
    }

    private static KernelPeer start(Link link, String captureName, int mtu, Path receivedCapture,
                                    TapDevice.Offload offload) {
        String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        int subnet = ThreadLocalRandom.current().nextInt(16, 250);
        String kernelIf = (link == Link.TAP ? "n4t" : "n4p") + suffix;
        KernelPeer peer = new KernelPeer(suffix, kernelIf, subnet,
                captureName == null ? null : PCAP_DIR.resolve(captureName));
        try {
            try {
                peer.setUp(link, mtu, receivedCapture, offload);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot create the captures of " + peer, e);
            }
            return peer;
        } catch (RuntimeException | Error t) {
            try {
                peer.close();
            } catch (Throwable suppressed) {
                t.addSuppressed(suppressed);
            }
            throw t;
        }
    }

    private void setUp(Link link, int mtu, Path receivedCapture, TapDevice.Offload offload) throws IOException {
        Sh.ok("ip", "netns", "add", ns);
        undo.add(() -> Sh.ok("ip", "netns", "del", ns));
        // Runs before the namespace goes: a test's kernel-side processes (and their children, e.g. a shell
        // loop's clients) must not outlive it.
        undo.add(this::killProcesses);
        // No IPv6 in the namespace: no router/neighbour solicitations or MLD reports to muddle the captures.
        inNs("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        inNs("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");

        NetworkDevice device;
        if (link == Link.TAP) {
            TapDevice tap = TapDevice.open(kernelIfName, mtu, offload);
            undo.add(tap::close);
            this.tap = tap;
            Sh.ok("ip", "link", "set", kernelIfName, "netns", ns);
            device = tap;
        } else {
            String hostEnd = "n4h" + ns.substring(3);
            Sh.ok("ip", "link", "add", hostEnd, "mtu", String.valueOf(mtu), "type", "veth",
                    "peer", "name", kernelIfName, "mtu", String.valueOf(mtu));
            undo.add(() -> {
                if (Sh.succeeds("ip", "link", "show", "dev", hostEnd)) {
                    Sh.ok("ip", "link", "del", hostEnd);
                }
            });
            Sh.ok("ip", "link", "set", kernelIfName, "netns", ns);
            // The host end only carries the stack's frames: no address, no IPv6 chatter of its own.
            Sh.ok("sysctl", "-qw", "net.ipv6.conf." + hostEnd + ".disable_ipv6=1");
            Sh.ok("ip", "link", "set", hostEnd, "up");
            PcapLiveDevice live = PcapLiveDevice.open(hostEnd, mtu, null, macBytes(stackMac));
            undo.add(live::close);
            device = live;
        }
        inNs("sysctl", "-qw", "net.ipv6.conf." + kernelIfName + ".disable_ipv6=1");
        ip("addr", "add", kernelIp + "/24", "dev", kernelIfName);
        ip("link", "set", kernelIfName, "up");
        ip("link", "set", "lo", "up");

        if (receivedCapture != null) {
            Files.createDirectories(receivedCapture.getParent());
            PcapWriter received = new PcapWriter(receivedCapture);
            undo.add(received::close);
            receiveRecorder = new ReceiveRecorder(device, received);
            device = receiveRecorder;
        }
        stack = InteropStack.start(device, stackMac, stackIp, 24, capture);
        undo.add(stack::close);
    }

    static byte[] macBytes(MacAddress mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac.bits() >>> (40 - 8 * i));
        }
        return b;
    }

    /** Runs {@code ip -n NS args...}, which must succeed. */
    String ip(String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "ip";
        argv[1] = "-n";
        argv[2] = ns;
        System.arraycopy(args, 0, argv, 3, args.length);
        return Sh.ok(argv);
    }

    /** Runs a command inside the namespace, which must succeed; returns its stdout. */
    String inNs(String... command) {
        Sh.Result r = exec(Sh.SETUP_TIMEOUT, null, command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(r.describe());
        }
        return r.stdout();
    }

    /** Runs a command inside the namespace with {@code stdin} (or /dev/null) and a timeout. */
    Sh.Result exec(Duration timeout, byte[] stdin, String... command) {
        return Sh.run(timeout, stdin, nsArgv(command));
    }

    /** Starts a command inside the namespace in the background; the caller closes it. */
    Sh.Background background(String... command) {
        return Sh.background(nsArgv(command));
    }

    /** Starts a command inside the namespace in the background, reading {@code stdin}; the caller closes it. */
    Sh.Background background(java.io.File stdin, String... command) {
        return Sh.background(stdin, nsArgv(command));
    }

    private String[] nsArgv(String... command) {
        return Sh.inNetns(ns, command);
    }

    /**
     * Stops feeding the stack (see {@link ReceiveRecorder#freeze()}) and waits until it has processed every
     * frame recorded before that: afterwards the receive counters describe exactly the recorded capture.
     */
    void freezeInput() {
        if (receiveRecorder == null) {
            throw new IllegalStateException("this peer does not record its input");
        }
        receiveRecorder.freeze();
        // The loop's queue is FIFO: once this no-op has run, every frame queued before it has been processed.
        stack.loop().call(() -> null);
    }

    String namespace() {
        return ns;
    }

    String kernelInterface() {
        return kernelIfName;
    }

    Ipv4Address kernelIp() {
        return kernelIp;
    }

    Ipv4Address stackIp() {
        return stackIp;
    }

    MacAddress stackMac() {
        return stackMac;
    }

    Path capture() {
        return capture;
    }

    /** The TAP, or null over a veth pair. */
    TapDevice tap() {
        return tap;
    }

    @Override
    public InteropStack stack() {
        return stack;
    }

    @Override
    public String context() {
        return TcpInterop.context(this);
    }

    /** Holds back (or releases) the frames the stack receives; passes everything through unless held. */
    InboundGate gate() {
        return stack.gate();
    }

    /**
     * Kills every process still running in the namespace, by pid (a background command's children too: a
     * shell loop's clients would otherwise outlive the test). Several rounds, until none is left
     * (one may fork meanwhile, and a killed one lingers for a moment).
     */
    private void killProcesses() {
        for (int round = 0; round < 50; round++) {
            String[] pids = Sh.ok("ip", "netns", "pids", ns).trim().split("\\s+");
            if (pids.length == 0 || pids[0].isEmpty()) {
                return;
            }
            String[] argv = new String[pids.length + 2];
            argv[0] = "kill";
            argv[1] = "-KILL";
            System.arraycopy(pids, 0, argv, 2, pids.length);
            Sh.run(Sh.SETUP_TIMEOUT, null, argv); // a process may have exited meanwhile: kill then fails for it
        }
        throw new IllegalStateException("processes keep running in namespace " + ns + ": "
                + Sh.ok("ip", "netns", "pids", ns));
    }

    Counters counters() {
        return stack.counters();
    }

    long counter(Counter c) {
        return stack.counter(c);
    }

    /** The stack's non-zero counters, for assertion messages. */
    String countersText() {
        return stack.countersText();
    }

    @Override
    public void close() {
        undo.close();
    }

    @Override
    public String toString() {
        return "KernelPeer[" + ns + ", stack " + stackIp + " " + stackMac + ", kernel " + kernelIp + " on "
                + kernelIfName + ", capture " + capture + "]";
    }
}
