package org.netstack4j.tracediff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.netstack4j.cli.CliException;
import org.netstack4j.cli.ExtraCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netstack4j trace-diff A.pcap B.pcap}: compares the TCP connections of two captures of the same client
 * workload (say, one against a Linux server and one against the stack) and prints how each connection's client
 * and server behaved in each, marking the properties that differ. Exit 0 when nothing differs, 1 when something
 * does, 2 on bad input.
 */
@Command(name = "trace-diff", mixinStandardHelpOptions = true,
        description = {"Compares the TCP connections of two .pcap captures of the same workload, connection by",
            "connection: handshake options, flag pattern, segments, ACKs, window, retransmissions, close.",
            "Exit code 0 if they behave alike, 1 if any property differs."})
public final class TraceDiffCommand implements Callable<Integer>, ExtraCommand {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A.pcap", description = "First capture (e.g. against Linux).")
    private Path first;

    @Parameters(index = "1", paramLabel = "B.pcap", description = "Second capture (e.g. against netstack4j).")
    private Path second;

    @Override
    public Integer call() {
        for (Path p : new Path[] {first, second}) {
            if (!Files.isRegularFile(p)) {
                throw new CliException("no such capture file: " + p);
            }
        }
        TraceComparison cmp;
        try {
            cmp = TraceComparison.of(first, second);
        } catch (IOException e) {
            throw new CliException(e.getMessage(), e);
        }
        spec.commandLine().getOut().print(cmp.report(first.toString(), second.toString()));
        spec.commandLine().getOut().flush();
        return cmp.differences().isEmpty() && cmp.first().size() == cmp.second().size() ? 0 : 1;
    }
}
