package org.netstack4j.adapter;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.socket.SocketConstants.SOL_SOCKET;
import static org.netstack4j.socket.SocketConstants.SO_REUSEADDR;

import java.io.Closeable;
import java.io.IOException;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.wire.Ipv4Address;

/**
 * A listening TCP socket of a netstack4j stack, like {@link java.net.ServerSocket}: {@link #accept()} blocks
 * (fine on a virtual thread) and returns a {@link StackSocket}; {@link #close()} makes a blocked accept fail.
 */
public final class StackServerSocket implements Closeable {
    private final BsdSockets sockets;
    private final int fd;
    private volatile boolean closed;

    private StackServerSocket(BsdSockets sockets, int fd) {
        this.sockets = sockets;
        this.fd = fd;
    }

    /** Listens on {@code port} of every local address with SO_REUSEADDR. */
    public static StackServerSocket bind(BsdSockets sockets, int port, int backlog) throws IOException {
        int fd = sockets.socket(AF_INET, SOCK_STREAM, 0);
        try {
            sockets.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
            sockets.bind(fd, new SockAddrIn(Ipv4Address.ANY, port));
            sockets.listen(fd, backlog);
        } catch (ErrnoException e) {
            sockets.close(fd);
            throw new IOException(e.getMessage(), e);
        }
        return new StackServerSocket(sockets, fd);
    }

    /** The next connection (blocking). */
    public StackSocket accept() throws IOException {
        try {
            BsdSockets.Accepted a = sockets.accept(fd);
            return new StackSocket(sockets, a.fd(), a.peer());
        } catch (ErrnoException e) {
            throw new IOException(closed ? "socket closed" : e.getMessage(), e);
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                sockets.close(fd);
            } catch (ErrnoException e) {
                // already closed
            }
        }
    }
}
