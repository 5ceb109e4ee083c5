package org.netstack4j.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code netstack4j} command: {@code run} (a stack on a TAP), {@code demo} (two stacks in memory) and
 * {@code replay} (a capture into a fresh stack), and the {@link ExtraCommand}s found on the class path (such as
 * {@code packetdrill}). {@link #main} exits with the code {@link #execute} returns.
 */
@Command(name = "netstack4j", mixinStandardHelpOptions = true, versionProvider = Version.class,
        subcommands = {RunCommand.class, NcCommand.class, DemoCommand.class, ReplayCommand.class},
        description = "A user-space TCP/UDP/IP stack in Java.",
        footer = {"", "Try:  netstack4j demo",
                "      sudo netstack4j run --tap ns4j0 --address 10.77.0.2/24 \\",
                "          --peer-address 10.77.0.1/24 --netns ns4j"})
public final class Main implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the command line, printing to {@code out} and {@code err}; returns the exit code, never exits. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        ErrorReporter reporter = new ErrorReporter();
        CommandLine cmd = new CommandLine(new Main());
        for (ExtraCommand extra : ServiceLoader.load(ExtraCommand.class)) {
            cmd.addSubcommand(extra);
        }
        cmd.setOut(o)
                .setErr(e)
                .setParameterExceptionHandler(reporter)
                .setExecutionExceptionHandler(reporter);
        try {
            return cmd.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** With no subcommand: the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
