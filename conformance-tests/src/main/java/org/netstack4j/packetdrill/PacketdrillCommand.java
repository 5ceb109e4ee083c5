package org.netstack4j.packetdrill;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.netstack4j.cli.CliException;
import org.netstack4j.cli.ExtraCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netstack4j packetdrill [flags] SCRIPT|DIR...}: runs packetdrill scripts against fresh stacks in virtual
 * time, taking packetdrill's own flags. Exit 0 when nothing failed, 1 when a script failed, 2 on bad flags.
 */
@Command(name = "packetdrill", mixinStandardHelpOptions = true,
        description = {"Runs packetdrill scripts unchanged against the stack, in virtual time.",
            "Directories are searched for *.pkt and run in parallel. Prints PASS/FAIL/SKIP per script and",
            "'N passed, M failed, K skipped'. Exit code 1 if any script failed."})
public final class PacketdrillCommand implements Callable<Integer>, ExtraCommand {
    /** Exit code when a script failed. */
    static final int SCRIPT_FAILED = 1;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SCRIPT|DIR", description = "Scripts, or directories of *.pkt scripts.")
    private List<Path> paths = new ArrayList<>();

    @Option(names = "--ip_version", paramLabel = "V", description = "ipv4 (ipv6 and ipv4-mapped-ipv6 are skipped).")
    private String ipVersion;
    @Option(names = "--local_ip", paramLabel = "IP", description = "The stack's address (default 192.168.0.1).")
    private String localIp;
    @Option(names = "--remote_ip", paramLabel = "IP", description = "The script's remote end (default 192.0.2.1).")
    private String remoteIp;
    @Option(names = "--gateway_ip", paramLabel = "IP", description = "The gateway (default 192.168.0.2).")
    private String gatewayIp;
    @Option(names = "--netmask_ip", paramLabel = "MASK", description = "The netmask (default 255.255.0.0).")
    private String netmaskIp;
    @Option(names = "--bind_port", paramLabel = "PORT", description = "Port for bind() (default 8080).")
    private String bindPort;
    @Option(names = "--connect_port", paramLabel = "PORT", description = "Port for connect() (default 8080).")
    private String connectPort;
    @Option(names = "--mtu", paramLabel = "BYTES", description = "Device MTU (default 1500).")
    private String mtu;
    @Option(names = "--tolerance_usecs", paramLabel = "US", description = "Timing tolerance (default 4000).")
    private String toleranceUsecs;
    @Option(names = "--tolerance_percent", paramLabel = "P", description = "Timing tolerance in percent of the gap (default 12.5).")
    private String tolerancePercent;
    @Option(names = "--tcp_ts_tick_usecs", paramLabel = "US", description = "Check outbound TS val with this tick (default 0: not checked).")
    private String tsTick;
    @Option(names = "--non_fatal", paramLabel = "KINDS", description = "packet and/or syscall: such errors only warn.")
    private String nonFatal;
    @Option(names = "-D", paramLabel = "NAME=VALUE", description = "Substitute VALUE for NAME in the scripts.")
    private Map<String, String> defines = new LinkedHashMap<>();
    @Option(names = "--pcap", paramLabel = "DIR", description = "Write each script's packets to DIR/NAME.pcap.")
    private Path pcapDir;
    @Option(names = "--kernel", description = "Also run the scripts with the packetdrill binary against Linux and print a side-by-side report.")
    private boolean kernel;

    /** The packetdrill flags given, as name to value, in packetdrill's spelling. */
    Map<String, String> packetdrillFlags() {
        Map<String, String> f = new LinkedHashMap<>();
        put(f, "ip_version", ipVersion);
        put(f, "local_ip", localIp);
        put(f, "remote_ip", remoteIp);
        put(f, "gateway_ip", gatewayIp);
        put(f, "netmask_ip", netmaskIp);
        put(f, "bind_port", bindPort);
        put(f, "connect_port", connectPort);
        put(f, "mtu", mtu);
        put(f, "tolerance_usecs", toleranceUsecs);
        put(f, "tolerance_percent", tolerancePercent);
        put(f, "tcp_ts_tick_usecs", tsTick);
        put(f, "non_fatal", nonFatal);
        return f;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    @Override
    public Integer call() {
        RunnerConfig config;
        try {
            config = RunnerConfig.defaults().with(packetdrillFlags());
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Path> scripts;
        try {
            scripts = BatchRunner.collect(paths);
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
        if (scripts.isEmpty()) {
            throw new CliException("no *.pkt scripts in " + paths);
        }
        PrintWriter out = spec.commandLine().getOut();
        ScriptRunner runner = new ScriptRunner(config, defines, pcapDir);
        BatchRunner batch = new BatchRunner(runner, Runtime.getRuntime().availableProcessors());
        if (kernel) {
            return KernelComparison.run(scripts, packetdrillFlags(), defines, batch, out, spec.commandLine().getErr());
        }
        BatchRunner.Summary s = BatchRunner.report(batch.run(scripts), out);
        return s.failed() > 0 ? SCRIPT_FAILED : 0;
    }
}
