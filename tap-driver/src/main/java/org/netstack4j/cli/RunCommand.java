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
import picocli.CommandLine.Mixin;
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

    @Mixin
    private LinkOptions link;

    @Option(names = "--services", paramLabel = "LIST", defaultValue = "echo,discard,daytime,chargen,http,iperf3",
            converter = ServiceList.Converter.class,
            description = "Services to offer: any of echo,discard,daytime,chargen,http,iperf3, or none"
                    + " (default: ${DEFAULT-VALUE}).")
    private ServiceList services;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write every TCP state transition and retransmission to FILE as JSON lines.")
    private Path trace;

    @Override
    public Integer call() throws InterruptedException {
        link.checkFlags();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> cannot = TapDevice.probe();
        if (cannot.isPresent()) {
            err.println(ErrorReporter.PREFIX + "cannot create a TAP device (" + cannot.get()
                    + "); running the in-memory demo instead");
            err.flush();
            return Demo.run(out, link.pcap() != null ? link.pcap() : Demo.DEFAULT_CAPTURE, 1, 0);
        }
        KernelSide kernel = KernelSide.of(link.netns());
        link.checkClashes(kernel);
        int code = ExitCodes.ERROR;
        try (StopSignal stop = StopSignal.install(); RunSession session = new RunSession(out, err)) {
            try {
                if (trace != null) {
                    session.openTrace(trace);
                }
                TapDevice device = link.open(session, kernel);
                session.start(link.config(), services.names());
                printHowToTry(out, kernel, link.stackMac());
                out.println("ready: " + link.address().address() + " on " + device.name()
                        + (link.netns() != null ? " in namespace " + link.netns() : "") + " (mtu " + link.mtu()
                        + (device.offloads() ? ", offloads on" : ", offloads off") + ")");
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

    private void printHowToTry(PrintWriter out, KernelSide kernel, MacAddress stackMac) {
        String p = kernel.execPrefix();
        AddressWithPrefix address = link.address();
        String ip = address.address().toString();
        out.println("stack:  " + address + " (MAC " + stackMac + ") on TAP " + link.tap() + ", mtu " + link.mtu()
                + (link.gateway() != null ? ", gateway " + link.gateway() : ""));
        out.println("kernel: " + link.peer() + " on " + link.tap() + " " + kernel.where());
        out.println("services: " + (services.names().isEmpty() ? "none" : String.join(", ",
                services.names().stream().map(n -> n + " on " + ServiceList.ports(n)).toList())));
        if (link.pcap() != null) {
            out.println("recording to: " + link.pcap().toAbsolutePath());
        }
        if (trace != null) {
            out.println("tracing TCP transitions to: " + trace.toAbsolutePath());
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
                case "iperf3" -> out.println("  " + p + "iperf3 -c " + ip + " -t 3    (iperf3: add -R for the stack"
                        + " sending, -P 2 for two streams)");
                default -> out.println("  " + name + " on " + ServiceList.ports(name));
            }
        }
        out.println("stop it with Ctrl-C or SIGTERM: it prints its counters and removes what it created.");
    }
}
