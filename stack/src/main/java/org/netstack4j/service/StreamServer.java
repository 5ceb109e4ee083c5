package org.netstack4j.service;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.netstack4j.socket.Errno;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.StackDriver;
import org.netstack4j.tcp.StreamHandler;
import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpException;
import org.netstack4j.tcp.TcpListener;
import org.netstack4j.tcp.TcpState;

/**
 * A TCP server whose connections are served on the stack's own thread by {@link StreamHandler}s: accepting,
 * reading and writing happen where the segments are processed, so a request costs no thread hand-off and an
 * idle connection no thread. The small services (echo, discard, chargen) run this way; a service that must
 * block (a file, a lock) uses {@link TcpService} instead.
 *
 * <p>A connection is closed (FIN after what is queued) when its handler returns false, and released when it
 * ends by reset or timeout. {@link #close()} closes the listener and every connection still open.
 */
public final class StreamServer implements AutoCloseable {
    /**
     * listen()'s backlog: Linux's SOMAXCONN (4096 since 5.4), as servers ask for today. It also bounds the
     * half-open queue, so a burst of hundreds of SYNs is answered from state, not with SYN cookies.
     */
    private static final int BACKLOG = 4096;

    private final String name;
    private final StackDriver driver;
    private final NetStack stack;
    private final TcpListener listener;
    private final int port;
    private final Supplier<StreamHandler> handlers;
    /** Connections accepted and not yet closed; stack thread only. */
    private final Set<TcpConnection> open = new HashSet<>();
    private volatile long accepted;
    private boolean closed;

    private StreamServer(String name, StackDriver driver, int port, Supplier<StreamHandler> handlers) {
        this.name = name;
        this.driver = driver;
        this.stack = driver.stack();
        this.port = port;
        this.handlers = handlers;
        this.listener = driver.call(this::listen);
    }

    /**
     * Listens on {@code port} (all local addresses, SO_REUSEADDR) and serves each accepted connection with a new handler
     * from {@code handlers}.
     *
     * @throws IllegalStateException if the port is in use
     */
    public static StreamServer start(String name, StackDriver driver, int port, Supplier<StreamHandler> handlers) {
        return new StreamServer(name, driver, port, handlers);
    }

    private TcpListener listen() {
        // SO_REUSEADDR, as servers set it: connections of an earlier server in TIME-WAIT do not block the port.
        if (!stack.tcp().reservePort(port, true)) {
            throw new IllegalStateException(name + ": TCP port " + port + " is in use (" + Errno.EADDRINUSE + ")");
        }
        try {
            TcpListener l = stack.tcp().listen(0, port, BACKLOG, stack.tcp().defaultReceiveBuffer(),
                    stack.tcp().defaultSendBuffer());
            l.setAcceptHandler(this::acceptAll);
            return l;
        } catch (TcpException e) {
            stack.tcp().releasePort(port);
            throw new IllegalStateException(name + ": cannot listen on TCP port " + port + " (" + e.errno() + ")");
        }
    }

    /** Runs on the stack's thread whenever connections may wait in the accept queue. */
    private void acceptAll() {
        TcpConnection c;
        while (!closed && (c = stack.tcp().accept(listener)) != null) {
            accepted++;
            open.add(c);
            StreamHandler handler = handlers.get();
            c.setHandler(conn -> serve(conn, handler));
            // Data may have come with the handshake's last ACK: give the handler its first look now.
            if (!serve(c, handler)) {
                c.setHandler(null);
            }
        }
    }

    /** One turn of {@code handler}; closes the connection when the handler is done or the connection ended. */
    private boolean serve(TcpConnection c, StreamHandler handler) {
        boolean more = c.state() != TcpState.CLOSED && handler.onReadiness(c);
        if (more && c.state() != TcpState.CLOSED) {
            return true;
        }
        if (open.remove(c)) {
            c.userClose();
        }
        return false;
    }

    /** The service's name. */
    public String name() {
        return name;
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted;
    }

    /** Connections open now. */
    public int openConnections() {
        return driver.call(open::size);
    }

    @Override
    public void close() {
        driver.call(() -> {
            if (!closed) {
                closed = true;
                stack.tcp().closeListener(listener);
                stack.tcp().releasePort(port);
                for (TcpConnection c : Set.copyOf(open)) {
                    c.setHandler(null);
                    c.userClose();
                }
                open.clear();
            }
            return null;
        });
    }
}
