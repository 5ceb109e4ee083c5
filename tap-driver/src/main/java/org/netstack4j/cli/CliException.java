package org.netstack4j.cli;

/**
 * A failure the user can understand and act on: its message is printed as the one line
 * {@code netstack4j: MESSAGE} on stderr and the command exits with {@link ExitCodes#ERROR}. No stack trace.
 */
public final class CliException extends RuntimeException {

    /** A failure described by {@code message}, which must be a single line. */
    public CliException(String message) {
        super(message, null, false, false);
    }

    /** A failure described by {@code message}, caused by {@code cause} (kept for debugging, never printed). */
    public CliException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
