package org.netstack4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netstack4j demo}: the embedded in-memory {@link Demo}; needs no privileges. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs two stacks in memory, in virtual time; needs no privileges.",
                "Pings, UDP datagrams and a refused datagram, narrated step by step, then both stacks'",
                "counters and a .pcap file."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "Where to write the capture (default: ${DEFAULT-VALUE} in the current directory).",
            defaultValue = "netstack4j-demo.pcap")
    private Path pcap;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of every random choice; the same seed gives the same run (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--loss", paramLabel = "P", defaultValue = "0", converter = Converters.Probability.class,
            description = "Probability 0..1 that a frame is lost, in each direction (default: ${DEFAULT-VALUE}).")
    private double loss;

    @Override
    public Integer call() {
        return Demo.run(spec.commandLine().getOut(), pcap, seed, loss);
    }
}
