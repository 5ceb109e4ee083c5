package org.netstack4j.tcp;

import org.netstack4j.socket.Errno;

/** A TCP user call failed with an errno value; the socket facade turns it into an {@code ErrnoException}. */
public final class TcpException extends Exception {
    private final Errno errno;

    /** A failure with {@code errno}. */
    public TcpException(Errno errno) {
        super(errno.name(), null, false, false);
        this.errno = errno;
    }

    /** The error. */
    public Errno errno() {
        return errno;
    }
}
