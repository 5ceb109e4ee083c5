package org.netstack4j.service;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;

import java.util.function.Function;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.RecvResult;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.wire.Ipv4Address;

/**
 * A small UDP server on one port, written against the BSD facade like any application: a virtual thread
 * loops on blocking {@code recvfrom} and answers each datagram with what the handler returns (nothing for
 * null). {@link #close()} closes the socket, which ends the loop.
 */
public final class UdpService implements AutoCloseable {
    private final String name;
    private final BsdSockets sockets;
    private final int fd;
    private final Thread thread;
    private volatile long served;

    private UdpService(String name, BsdSockets sockets, int port, Function<byte[], byte[]> handler) {
        this.name = name;
        this.sockets = sockets;
        this.fd = sockets.socket(AF_INET, SOCK_DGRAM, 0);
        try {
            sockets.bind(fd, new SockAddrIn(Ipv4Address.ANY, port));
        } catch (ErrnoException e) {
            sockets.close(fd);
            throw e;
        }
        this.thread = Thread.ofVirtual().name("udp-" + name).start(() -> serve(handler));
    }

    /** Starts {@code name} on {@code port}; throws ErrnoException if the port cannot be bound. */
    public static UdpService start(String name, BsdSockets sockets, int port, Function<byte[], byte[]> handler) {
        return new UdpService(name, sockets, port, handler);
    }

    private void serve(Function<byte[], byte[]> handler) {
        byte[] buf = new byte[65536];
        while (true) {
            RecvResult r;
            try {
                r = sockets.recvfrom(fd, buf, 0, buf.length, 0);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EBADF) {
                    return;
                }
                continue;
            } catch (RuntimeException e) {
                return;
            }
            served++;
            byte[] reply = handler.apply(java.util.Arrays.copyOf(buf, r.length()));
            if (reply != null) {
                try {
                    sockets.sendto(fd, reply, 0, reply.length, 0, r.source());
                } catch (ErrnoException e) {
                    // A reply that cannot be sent (no route, resolution failure) is dropped, like a datagram.
                } catch (RuntimeException e) {
                    return;
                }
            }
        }
    }

    /** The service's name. */
    public String name() {
        return name;
    }

    /** Datagrams received so far. */
    public long served() {
        return served;
    }

    @Override
    public void close() {
        try {
            sockets.close(fd);
        } catch (ErrnoException e) {
            // already closed
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
