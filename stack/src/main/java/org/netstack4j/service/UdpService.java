package org.netstack4j.service;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;

import io.netty.buffer.Unpooled;
import java.util.function.Function;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.RecvResult;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.udp.UdpLayer;
import org.netstack4j.wire.Ipv4Address;

/**
 * A small UDP server on one port that answers each datagram with what the handler returns (nothing for null).
 * {@link #start} writes it against the BSD facade like any application: a virtual thread loops on blocking
 * {@code recvfrom}. {@link #startOnStack} runs the handler on the stack's own thread as each datagram arrives
 * ({@link BsdSockets#serveDatagramsOnStack}), without the two thread hand-offs per datagram; the handler must then
 * be quick and must not block. {@link #close()} closes the socket, which ends either.
 */
public final class UdpService implements AutoCloseable {
    private final String name;
    private final BsdSockets sockets;
    private final int fd;
    private final Thread thread;
    private volatile long served;

    private UdpService(String name, BsdSockets sockets, int port, Function<byte[], byte[]> handler,
                       boolean onStack) {
        this.name = name;
        this.sockets = sockets;
        this.fd = sockets.socket(AF_INET, SOCK_DGRAM, 0);
        try {
            sockets.bind(fd, new SockAddrIn(Ipv4Address.ANY, port));
            if (onStack) {
                UdpLayer udp = sockets.driver().stack().udp();
                sockets.serveDatagramsOnStack(fd, (ep, ip, sourcePort, payload, broadcast) -> {
                    if (broadcast || !answers(sourcePort)) {
                        return;
                    }
                    served++;
                    byte[] data = new byte[payload.readableBytes()];
                    payload.getBytes(payload.readerIndex(), data);
                    byte[] reply = handler.apply(data);
                    if (reply != null) {
                        // A reply that cannot be sent (no route, EMSGSIZE) is dropped, like a datagram.
                        udp.send(ep, ip, sourcePort, Unpooled.wrappedBuffer(reply));
                    }
                });
            }
        } catch (ErrnoException e) {
            sockets.close(fd);
            throw e;
        }
        this.thread = onStack ? null : Thread.ofVirtual().name("udp-" + name).start(() -> serve(handler));
    }

    /**
     * Starts {@code name} on {@code port} on a thread of its own; throws ErrnoException if the port cannot be
     * bound.
     */
    public static UdpService start(String name, BsdSockets sockets, int port, Function<byte[], byte[]> handler) {
        return new UdpService(name, sockets, port, handler, false);
    }

    /**
     * Starts {@code name} on {@code port} with {@code handler} running on the stack's thread, which it must not
     * block; throws ErrnoException if the port cannot be bound.
     */
    public static UdpService startOnStack(String name, BsdSockets sockets, int port,
                                          Function<byte[], byte[]> handler) {
        return new UdpService(name, sockets, port, handler, true);
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
            if (!answers(r.source().port())) {
                continue;
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

    /**
     * Whether a datagram from {@code sourcePort} gets an answer: not from port 0 (no reply can reach it) nor from
     * the small services' own ports (echo, discard, daytime, chargen), so that two of them (ours and another host's,
     * or a spoofed source) cannot answer each other for ever, as inetd's check_loop refuses. Broadcasts are not
     * answered either (see {@link #startOnStack}): one datagram must not draw a reply from every host.
     */
    static boolean answers(int sourcePort) {
        return switch (sourcePort) {
            case 0, 7, 9, 13, 19 -> false;
            default -> true;
        };
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
        if (thread == null) {
            return;
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
