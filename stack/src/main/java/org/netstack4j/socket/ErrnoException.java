package org.netstack4j.socket;

/**
 * A socket call failed with {@link #errno()}; the message reads like C's perror: {@code "bind: Address already
 * in use (EADDRINUSE)"}. Unchecked so that it crosses lambdas and the event-loop hand-off unchanged.
 */
public final class ErrnoException extends RuntimeException {
    private final Errno errno;

    /** A failure of {@code call} with {@code errno}. */
    public ErrnoException(String call, Errno errno) {
        super(call + ": " + errno.message() + " (" + errno.name() + ")", null, false, false);
        this.errno = errno;
    }

    /** The error. */
    public Errno errno() {
        return errno;
    }
}
