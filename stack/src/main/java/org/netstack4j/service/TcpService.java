package org.netstack4j.service;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.netstack4j.adapter.StackServerSocket;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.socket.BsdSockets;

/**
 * A small TCP server on one port written like any Java server: an accept loop on a virtual thread and one
 * virtual thread per connection running the handler. {@link #close()} stops accepting and closes every open
 * connection, which ends their handlers.
 */
public final class TcpService implements AutoCloseable {
    /** What a service does with one connection; the connection is closed after it returns. */
    @FunctionalInterface
    public interface Handler {
        /** Serves {@code socket} until done. */
        void serve(StackSocket socket) throws IOException;
    }

    private final String name;
    private final StackServerSocket server;
    private final Thread acceptor;
    private final Set<StackSocket> open = ConcurrentHashMap.newKeySet();
    private volatile long accepted;

    private TcpService(String name, StackServerSocket server, Handler handler) {
        this.name = name;
        this.server = server;
        this.acceptor = Thread.ofVirtual().name("tcp-" + name).start(() -> acceptLoop(handler));
    }

    /** Starts {@code name} on {@code port}; throws if the port cannot be bound. */
    public static TcpService start(String name, BsdSockets sockets, int port, Handler handler) throws IOException {
        return new TcpService(name, StackServerSocket.bind(sockets, port, 128), handler);
    }

    private void acceptLoop(Handler handler) {
        while (!server.isClosed()) {
            StackSocket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                continue;
            }
            accepted++;
            open.add(s);
            Thread.ofVirtual().name("tcp-" + name + "-conn").start(() -> {
                try {
                    handler.serve(s);
                } catch (IOException | RuntimeException e) {
                    // The peer went away or reset: nothing to do but close.
                } finally {
                    open.remove(s);
                    s.close();
                }
            });
        }
    }

    /** The service's name. */
    public String name() {
        return name;
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted;
    }

    @Override
    public void close() {
        server.close();
        for (StackSocket s : open) {
            s.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
