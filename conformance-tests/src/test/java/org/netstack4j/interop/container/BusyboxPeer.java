package org.netstack4j.interop.container;

import com.github.dockerjava.api.model.Network.Ipam;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.netstack4j.device.TapDevice;
import org.netstack4j.interop.Cleanup;
import org.netstack4j.interop.InteropStack;
import org.netstack4j.interop.Sh;
import org.netstack4j.interop.StackEnd;
import org.netstack4j.interop.TcpInterop;
import org.netstack4j.stats.Counter;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * One test's kernel peer in a container: a Testcontainers {@link Network} with a /24 of its own
 * ({@code 10.A.B.0/24}; the engine's bridge on the host is {@code .1}), a busybox container at {@code .2}, and a
 * netstack4j {@link InteropStack} at {@code .200} on a TAP that is a port of the network's bridge. The
 * container's kernel and the stack meet on that bridge as two hosts on one Ethernet.
 *
 * <p>Commands run in the container with {@code docker exec} through {@link Sh} (timeouts, stdin, background
 * commands); {@link #nc}, {@link #wget}, {@link #ping} and friends wrap the usual ones.
 *
 * <p>{@link #close()} removes everything it made even after a failure: the stack (which deletes the TAP), the
 * container, the network. Ryuk is disabled on these machines, so nothing else would.
 */
public final class BusyboxPeer implements StackEnd, AutoCloseable {

    /** Host octet of the container in the network's /24. */
    private static final int CONTAINER_HOST = 2;
    /** Host octet of the stack in the network's /24; the engine hands out addresses from .2 up. */
    private static final int STACK_HOST = 200;
    /** The bridge driver's option that names the network's Linux bridge. */
    private static final String BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";

    private final Cleanup cleanup;
    private final String suffix;
    private final Map<String, String> labels;
    private Ipv4Address subnet;
    private Network network;
    private String bridge;
    private GenericContainer<?> container;
    private InteropStack stack;
    private MacAddress stackMac;

    private BusyboxPeer(String suffix) {
        this.suffix = suffix;
        this.cleanup = new Cleanup("container peer " + suffix);
        this.labels = Leftovers.labels();
    }

    /** Starts network, container, TAP and stack; on failure removes what it made and rethrows. */
    static BusyboxPeer start(BusyboxImage image, Path capture) {
        BusyboxPeer peer = new BusyboxPeer(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        try {
            peer.setUp(image, capture);
            return peer;
        } catch (RuntimeException | Error e) {
            try {
                peer.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void setUp(BusyboxImage image, Path capture) {
        createNetwork();
        startContainer(image);
        // The TAP lives in the host's namespace, where the engine's bridge is; enslaved to it, it is one more
        // port of the container network. No IPv6 on it: the host would otherwise send its own solicitations.
        TapDevice tap = TapDevice.open("n4c" + suffix.substring(0, 8), 1500);
        cleanup.add(tap::close);
        Sh.ok("sysctl", "-qw", "net.ipv6.conf." + tap.name() + ".disable_ipv6=1");
        Sh.ok("ip", "link", "set", tap.name(), "master", bridge);
        Sh.ok("ip", "link", "set", tap.name(), "up");
        stackMac = new MacAddress(0x02_4e_34_00_00_00L | ThreadLocalRandom.current().nextInt(1, 1 << 24));
        stack = InteropStack.start(tap, stackMac, host(STACK_HOST), 24, capture);
        cleanup.add(stack::close);
    }

    /**
     * A user-defined bridge network with a subnet we choose (the engine gives fixed container addresses only
     * in such networks) and a bridge name we choose (so the TAP knows which bridge to join). Another network
     * may already hold a randomly chosen subnet: then we try another.
     */
    private void createNetwork() {
        bridge = "n4b" + suffix;
        RuntimeException last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            Ipv4Address candidate = Ipv4Address.of(10, r.nextInt(200, 250), r.nextInt(0, 256), 0);
            Network n = Network.builder().createNetworkCmdModifier(cmd -> cmd
                    .withIpam(new Ipam().withConfig(new Ipam.Config()
                            .withSubnet(candidate + "/24")
                            .withGateway(new Ipv4Address(candidate.bits() + 1).toString())))
                    .withOptions(Map.of(BRIDGE_NAME_OPTION, bridge))
                    .withLabels(labels)).build();
            try {
                String id = n.getId(); // creates it
                cleanup.add(n::close);
                network = n;
                subnet = candidate;
                bridge = bridgeOf(id);
                return;
            } catch (RuntimeException e) {
                last = e; // e.g. "Pool overlaps with other one on this address space"
            }
        }
        throw new IllegalStateException("cannot create a container network with a free 10.x.y.0/24 subnet", last);
    }

    /**
     * The network's bridge as the engine made it: the name we asked for in the
     * {@code com.docker.network.bridge.name} option, else the engine's default, {@code br-} and the first 12
     * characters of the network's id.
     */
    private static String bridgeOf(String networkId) {
        Map<String, String> options = DockerClientFactory.lazyClient().inspectNetworkCmd().withNetworkId(networkId)
                .exec().getOptions();
        String name = options == null ? null : options.get(BRIDGE_NAME_OPTION);
        return name != null ? name : "br-" + networkId.substring(0, 12);
    }

    private void startContainer(BusyboxImage image) {
        String address = host(CONTAINER_HOST).toString();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image.name()))
                .withNetwork(network)
                .withLabels(labels)
                // PID 1 only waits; every test command runs through docker exec. The container is killed at
                // the end, so its PID 1 needs no signal handling.
                .withCommand("sleep", "2147483647")
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withIpv4Address(address).withHostName("peer" + suffix.substring(0, 4));
                    // No IPv6 either: only the traffic the test makes crosses the bridge.
                    cmd.getHostConfig().withSysctls(Map.of("net.ipv6.conf.all.disable_ipv6", "1"));
                });
        cleanup.add(c::stop); // before start(): a half-started container is removed as well
        c.start();
        container = c;
    }

    private Ipv4Address host(int octet) {
        return new Ipv4Address(subnet.bits() + octet);
    }

    // ------------------------------------------------------------------ addresses and the stack

    /** The container's address. */
    public Ipv4Address containerIp() {
        return host(CONTAINER_HOST);
    }

    /** The stack's address. */
    public Ipv4Address stackIp() {
        return host(STACK_HOST);
    }

    /** The stack's MAC address. */
    public MacAddress stackMac() {
        return stackMac;
    }

    @Override
    public InteropStack stack() {
        return stack;
    }

    /** One stack counter now. */
    public long counter(Counter c) {
        return stack.counter(c);
    }

    @Override
    public String context() {
        String kernel;
        try {
            kernel = String.join("\n  ", containerSockets());
        } catch (RuntimeException e) {
            kernel = "(netstat failed: " + e.getMessage() + ")";
        }
        List<TcpInterop.Conn> conns;
        try {
            conns = TcpInterop.stackConnections(this);
        } catch (RuntimeException e) {
            conns = List.of();
        }
        return "\n--- stack connections:\n  "
                + conns.stream().map(TcpInterop.Conn::toString).collect(Collectors.joining("\n  "))
                + "\n--- container sockets (netstat -tan):\n  " + kernel
                + "\n--- stack counters:\n" + stack.countersText() + "\n" + this;
    }

    // ------------------------------------------------------------------ commands in the container

    /** Runs {@code command} in the container with {@code stdin} (or none) and a timeout. */
    public Sh.Result exec(Duration timeout, byte[] stdin, String... command) {
        return Sh.run(timeout, stdin, dockerExec(stdin != null, command));
    }

    /** Runs a shell command line in the container ({@code sh -c}) without stdin. */
    public Sh.Result sh(Duration timeout, String commandLine) {
        return exec(timeout, null, "sh", "-c", commandLine);
    }

    /**
     * Starts {@code command} in the container with its stdin open ({@link Sh.Background#write},
     * {@link Sh.Background#closeStdin}); it ends with the container at the latest.
     */
    public Sh.Background background(String... command) {
        return Sh.background(dockerExec(true, command));
    }

    private String[] dockerExec(boolean interactive, String... command) {
        List<String> argv = new ArrayList<>(List.of("docker", "exec"));
        if (interactive) {
            argv.add("-i");
        }
        argv.add(container.getContainerId());
        argv.addAll(List.of(command));
        return argv.toArray(String[]::new);
    }

    /** Puts {@code data} into the container as {@code path} (mode 0644). */
    public void copyIn(byte[] data, String path) {
        container.copyFileToContainer(Transferable.of(data), path);
    }

    /** {@code nc STACK port} with {@code stdin}: sends it, half-closes, prints what comes back until the stack closes. */
    public Sh.Result nc(int port, byte[] stdin, Duration timeout) {
        return exec(timeout, stdin, "nc", "-w", "10", stackIp().toString(), String.valueOf(port));
    }

    /** {@code nc STACK port} in the background, its stdin open: what it reads goes to the stack. */
    public Sh.Background ncClient(int port) {
        return background("nc", stackIp().toString(), String.valueOf(port));
    }

    /** {@code nc -l -p port} in the background: accepts one connection, prints what it receives. */
    public Sh.Background ncListen(int port) {
        Sh.Background listener = background("nc", "-l", "-p", String.valueOf(port));
        awaitContainerListener(port);
        return listener;
    }

    /** {@code httpd -f -p port -h dir} in the background, serving the files under {@code dir}. */
    public Sh.Background httpd(int port, String dir) {
        Sh.Background server = background("httpd", "-f", "-p", String.valueOf(port), "-h", dir);
        awaitContainerListener(port);
        return server;
    }

    /**
     * {@code wget -q -O - http://STACK:port/path}: the body on stdout. (No {@code -T}: this busybox's wget
     * crashes on it; {@code timeout} bounds the run instead.)
     */
    public Sh.Result wget(int port, String path, Duration timeout) {
        return exec(timeout, null, "wget", "-q", "-O", "-",
                "http://" + stackIp() + ":" + port + path);
    }

    /** {@code ping -c count -s size STACK}. */
    public Sh.Result ping(int count, int size, Duration timeout) {
        return exec(timeout, null, "ping", "-c", String.valueOf(count), "-i", "0.2", "-W", "5",
                "-s", String.valueOf(size), stackIp().toString());
    }

    /** The container's TCP sockets, one {@code netstat -tan} line each, spaces collapsed. */
    public List<String> containerSockets() {
        Sh.Result r = exec(Sh.SETUP_TIMEOUT, null, "netstat", "-tan");
        if (r.exitCode() != 0) {
            throw new IllegalStateException(r.describe());
        }
        return r.stdout().lines().filter(l -> l.startsWith("tcp"))
                .map(l -> l.trim().replaceAll("\\s+", " ")).toList();
    }

    /** The container's TCP sockets in {@code state} (as netstat prints it, e.g. TIME_WAIT) on {@code port}. */
    public List<String> containerSockets(String state, int port) {
        Predicate<String> match = l -> l.endsWith(" " + state) && l.matches(".*:" + port + " .*");
        return containerSockets().stream().filter(match).toList();
    }

    /** Waits until a container socket listens on TCP {@code port}. */
    public void awaitContainerListener(int port) {
        TcpInterop.await(this, "a container socket listening on TCP port " + port, TcpInterop.SOON,
                () -> !containerSockets("LISTEN", port).isEmpty(), this::context);
    }

    @Override
    public void close() {
        cleanup.close();
    }

    @Override
    public String toString() {
        return "BusyboxPeer[stack " + (subnet == null ? "?" : stackIp()) + " " + stackMac + ", container "
                + (subnet == null ? "?" : containerIp()) + (container == null ? "" : " " + container.getContainerId())
                + ", bridge " + bridge + "]";
    }
}
