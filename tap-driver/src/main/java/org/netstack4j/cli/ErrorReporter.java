package org.netstack4j.cli;

import java.io.PrintWriter;
import org.netstack4j.device.DeviceException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Reports every failure as one line, {@code netstack4j: WHAT}, on stderr and returns {@link ExitCodes#ERROR}:
 * bad flags (picocli's parameter exceptions, also those a command throws after its own checks) and failures
 * while running. A stack trace is printed only when the system property {@code netstack4j.debug} is set.
 */
public final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    /** The prefix of every error line. */
    public static final String PREFIX = "netstack4j: ";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String help = cmd.getCommandSpec().qualifiedName() + " --help";
        report(cmd.getErr(), oneLine(ex.getMessage()) + " (see: " + help + ")", ex);
        return ExitCodes.ERROR;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        String message;
        if (ex instanceof CliException || ex instanceof DeviceException) {
            message = ex.getMessage();
        } else {
            message = "unexpected failure (" + ex.getClass().getSimpleName() + "): " + ex.getMessage()
                    + "; run with -Dnetstack4j.debug=true for details";
        }
        report(cmd.getErr(), oneLine(message), ex);
        return ExitCodes.ERROR;
    }

    private static void report(PrintWriter err, String line, Exception ex) {
        err.println(PREFIX + line);
        if (Boolean.getBoolean("netstack4j.debug")) {
            ex.printStackTrace(err);
        }
        err.flush();
    }

    /** Joins a multi-line message into one line. */
    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
