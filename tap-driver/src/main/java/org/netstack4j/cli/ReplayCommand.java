package org.netstack4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.netstack4j.device.DeviceException;
import org.netstack4j.device.PcapFileDevice;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.wire.MacAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netstack4j replay FILE.pcap}: feeds every frame of a capture into a fresh stack, as if it had arrived on
 * a wire, and prints the stack's counters. What the stack sends in answer goes nowhere. Needs libpcap.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Feeds a .pcap capture into a fresh stack and prints the stack's counters.")
public final class ReplayCommand implements Callable<Integer> {
    private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(10);

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A pcap file of Ethernet frames.")
    private Path file;

    @Option(names = "--address", required = true, paramLabel = "A/P", converter = AddressWithPrefix.Converter.class,
            description = "The stack's address and prefix length, e.g. 10.0.0.1/24.")
    private AddressWithPrefix address;

    @Option(names = "--mac", paramLabel = "MAC", converter = Converters.Mac.class,
            description = "The stack's MAC (default: 02:00 followed by the address bytes, as run and demo use).")
    private MacAddress mac;

    @Option(names = "--mtu", paramLabel = "N", defaultValue = "1500", converter = Converters.Mtu.class,
            description = "IP MTU of the stack (default: ${DEFAULT-VALUE}).")
    private int mtu;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isReadable(file)) {
            throw new CliException("cannot read " + file + ": " + (Files.exists(file) ? "permission denied" : "no such file"));
        }
        PcapFileDevice device;
        try {
            device = PcapFileDevice.open(file, mtu);
        } catch (DeviceException e) {
            throw new CliException(e.getMessage(), e);
        } catch (LinkageError e) {
            throw new CliException("cannot load libpcap (install libpcap0.8): " + e.getMessage(), e);
        }
        MacAddress stackMac = mac != null ? mac : LocalMac.forAddress(address.address());
        StackConfig config = StackConfig.builder(stackMac, address.address(), address.prefixLength()).build();
        PrintWriter out = spec.commandLine().getOut();
        EventLoop loop = EventLoop.start(config, device);
        try {
            long frames = device.awaitReplayed(REPLAY_TIMEOUT);
            // Queued behind every replayed frame, so it reads the counters after the stack handled them all.
            String counters = loop.call(() -> loop.stack().counters().format(false));
            out.println("replayed " + frames + " frames from " + file + " into " + address + " (MAC " + stackMac + ")");
            out.println("counters:");
            for (String line : counters.split("\n")) {
                out.println("  " + line);
            }
        } catch (TimeoutException e) {
            throw new CliException("the replay of " + file + " did not finish within " + REPLAY_TIMEOUT.toMinutes()
                    + " minutes", e);
        } finally {
            loop.close();
        }
        out.flush();
        return ExitCodes.OK;
    }
}
