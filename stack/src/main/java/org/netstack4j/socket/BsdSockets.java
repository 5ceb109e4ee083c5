package org.netstack4j.socket;

import static org.netstack4j.socket.SocketConstants.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.StackDriver;
import org.netstack4j.udp.Datagram;
import org.netstack4j.udp.UdpEndpoint;
import org.netstack4j.wire.Ipv4Address;

/**
 * The BSD socket API over one stack: integer descriptors, Linux's constants ({@link SocketConstants}) and
 * errno values ({@link Errno}). Any thread may call it, virtual threads included: each call is handed to the
 * stack's thread through the {@link StackDriver}, and a blocking call waits for the driver's readiness signal
 * between attempts (in a {@link org.netstack4j.stack.Simulation} that wait runs virtual time forward).
 *
 * <p>Failures throw {@link ErrnoException}; a C caller's "-1 and errno" is its {@link ErrnoException#errno()}.
 * Datagram sockets (UDP) are implemented; stream sockets come with TCP.
 */
public final class BsdSockets {
    /** Smallest buffer size Linux accepts for SO_RCVBUF (SOCK_MIN_RCVBUF, after doubling). */
    static final int MIN_RCVBUF = 2304;
    /** Smallest buffer size Linux accepts for SO_SNDBUF (SOCK_MIN_SNDBUF, after doubling). */
    static final int MIN_SNDBUF = 4608;
    /** Largest value SO_RCVBUF/SO_SNDBUF may ask for (Linux: rmem_max/wmem_max 212992) before doubling. */
    static final int MAX_BUF_REQUEST = 212_992;

    private static final class Handle {
        final int type;
        final UdpEndpoint udp;
        volatile boolean nonBlocking;

        Handle(int type, UdpEndpoint udp, boolean nonBlocking) {
            this.type = type;
            this.udp = udp;
            this.nonBlocking = nonBlocking;
        }
    }

    private final StackDriver driver;
    private final NetStack stack;
    private final TreeMap<Integer, Handle> fds = new TreeMap<>();

    /** The socket API of the stack that {@code driver} runs. */
    public BsdSockets(StackDriver driver) {
        this.driver = driver;
        this.stack = driver.stack();
    }

    /** socket(2): a new descriptor, the lowest free one from 3 up (0-2 are stdio, as in a process). */
    public int socket(int domain, int type, int protocol) {
        if (domain != AF_INET) {
            throw new ErrnoException("socket", Errno.EAFNOSUPPORT);
        }
        boolean nonBlocking = (type & SOCK_NONBLOCK) != 0;
        int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (base == SOCK_STREAM) {
            throw new ErrnoException("socket", Errno.EPROTONOSUPPORT);
        }
        if (base != SOCK_DGRAM) {
            throw new ErrnoException("socket", Errno.ESOCKTNOSUPPORT);
        }
        if (protocol != 0 && protocol != IPPROTO_UDP) {
            throw new ErrnoException("socket", Errno.EPROTONOSUPPORT);
        }
        UdpEndpoint ep = driver.call(() -> stack.udp().open());
        synchronized (fds) {
            int fd = 3;
            while (fds.containsKey(fd)) {
                fd++;
            }
            fds.put(fd, new Handle(SOCK_DGRAM, ep, nonBlocking));
            return fd;
        }
    }

    private Handle handle(String call, int fd) {
        Handle h;
        synchronized (fds) {
            h = fds.get(fd);
        }
        if (h == null) {
            throw new ErrnoException(call, Errno.EBADF);
        }
        return h;
    }

    private static void check(String call, Errno e) {
        if (e != null) {
            throw new ErrnoException(call, e);
        }
    }

    /** bind(2). */
    public void bind(int fd, SockAddrIn address) {
        Handle h = handle("bind", fd);
        check("bind", driver.call(() -> stack.udp().bind(h.udp, address.address().bits(), address.port())));
    }

    /** connect(2); a null address (AF_UNSPEC) dissolves a datagram socket's association. */
    public void connect(int fd, SockAddrIn address) {
        Handle h = handle("connect", fd);
        if (address == null) {
            driver.call(() -> {
                stack.udp().disconnect(h.udp);
                return null;
            });
            return;
        }
        check("connect", driver.call(() -> stack.udp().connect(h.udp, address.address().bits(), address.port())));
    }

    /** sendto(2): sends {@code len} bytes; a null {@code to} means the connected peer. Returns {@code len}. */
    public int sendto(int fd, byte[] data, int off, int len, int flags, SockAddrIn to) {
        Handle h = handle("sendto", fd);
        if (to != null && to.port() == 0) {
            throw new ErrnoException("sendto", Errno.EINVAL);
        }
        ByteBuf payload = Unpooled.wrappedBuffer(data, off, len);
        check("sendto", driver.call(() -> stack.udp().send(h.udp,
                to == null ? 0 : to.address().bits(), to == null ? 0 : to.port(), payload)));
        return len;
    }

    /** send(2) to the connected peer. */
    public int send(int fd, byte[] data, int off, int len, int flags) {
        return sendto(fd, data, off, len, flags, null);
    }

    /**
     * recvfrom(2): the next datagram into {@code buf}; the rest of a longer datagram is discarded as in
     * Linux. Blocks unless the socket is non-blocking or {@code flags} has MSG_DONTWAIT (then EAGAIN).
     */
    public RecvResult recvfrom(int fd, byte[] buf, int off, int len, int flags) {
        Handle h = handle("recvfrom", fd);
        boolean peek = (flags & MSG_PEEK) != 0;
        boolean dontWait = h.nonBlocking || (flags & MSG_DONTWAIT) != 0;
        while (true) {
            long seen = driver.readinessVersion();
            Object r = driver.call(() -> {
                if (h.udp.closed()) {
                    return Errno.EBADF;
                }
                Errno e = h.udp.takeError();
                if (e != null) {
                    return e;
                }
                return stack.udp().receive(h.udp, peek);
            });
            if (r instanceof Errno e) {
                throw new ErrnoException("recvfrom", e);
            }
            if (r instanceof Datagram d) {
                try {
                    int n = Math.min(len, d.payload().readableBytes());
                    d.payload().getBytes(d.payload().readerIndex(), buf, off, n);
                    boolean truncated = n < d.payload().readableBytes();
                    int reported = (flags & MSG_TRUNC) != 0 ? d.payload().readableBytes() : n;
                    return new RecvResult(reported, truncated,
                            new SockAddrIn(new Ipv4Address(d.sourceIp()), d.sourcePort()));
                } finally {
                    d.payload().release();
                }
            }
            if (dontWait) {
                throw new ErrnoException("recvfrom", Errno.EAGAIN);
            }
            driver.awaitReadiness(seen, -1);
        }
    }

    /** recv(2): like recvfrom without the source; returns the byte count. */
    public int recv(int fd, byte[] buf, int off, int len, int flags) {
        return recvfrom(fd, buf, off, len, flags).length();
    }

    /** close(2): frees the descriptor and releases queued data. */
    public void close(int fd) {
        Handle h;
        synchronized (fds) {
            h = fds.remove(fd);
        }
        if (h == null) {
            throw new ErrnoException("close", Errno.EBADF);
        }
        driver.call(() -> {
            stack.udp().close(h.udp);
            // Wake any thread blocked on this descriptor: it then fails with EBADF, as after close in Linux.
            stack.signalReadiness();
            return null;
        });
    }

    /** setsockopt(2) with an integer value. */
    public void setsockopt(int fd, int level, int name, int value) {
        Handle h = handle("setsockopt", fd);
        if (level != SOL_SOCKET) {
            throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
        }
        driver.call(() -> {
            UdpEndpoint ep = h.udp;
            switch (name) {
                case SO_REUSEADDR -> ep.setReuseAddress(value != 0);
                case SO_BROADCAST -> ep.setBroadcast(value != 0);
                // Linux doubles the request to leave room for bookkeeping, and getsockopt shows the doubled size.
                case SO_RCVBUF -> ep.setReceiveBuffer(Math.max(MIN_RCVBUF, 2 * clampRequest(value)));
                case SO_SNDBUF -> ep.setSendBuffer(Math.max(MIN_SNDBUF, 2 * clampRequest(value)));
                default -> throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
            }
            return null;
        });
    }

    private static int clampRequest(int value) {
        return Math.min(Math.max(value, 0), MAX_BUF_REQUEST);
    }

    /** getsockopt(2) of an integer option. */
    public int getsockopt(int fd, int level, int name) {
        Handle h = handle("getsockopt", fd);
        if (level != SOL_SOCKET) {
            throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
        }
        return driver.call(() -> {
            UdpEndpoint ep = h.udp;
            return switch (name) {
                case SO_REUSEADDR -> ep.reuseAddress() ? 1 : 0;
                case SO_BROADCAST -> ep.broadcast() ? 1 : 0;
                case SO_RCVBUF -> ep.receiveBuffer();
                case SO_SNDBUF -> ep.sendBuffer();
                case SO_TYPE -> h.type;
                case SO_ERROR -> {
                    Errno e = ep.takeError();
                    yield e == null ? 0 : e.number();
                }
                default -> throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
            };
        });
    }

    /** fcntl(2) with F_GETFL / F_SETFL (only O_NONBLOCK matters). */
    public int fcntl(int fd, int cmd, int arg) {
        Handle h = handle("fcntl", fd);
        return switch (cmd) {
            case F_GETFL -> O_RDWR | (h.nonBlocking ? O_NONBLOCK : 0);
            case F_SETFL -> {
                h.nonBlocking = (arg & O_NONBLOCK) != 0;
                yield 0;
            }
            default -> throw new ErrnoException("fcntl", Errno.EINVAL);
        };
    }

    /** getsockname(2). */
    public SockAddrIn getsockname(int fd) {
        Handle h = handle("getsockname", fd);
        return driver.call(() -> new SockAddrIn(new Ipv4Address(h.udp.localIp()), h.udp.localPort()));
    }

    /** getpeername(2); ENOTCONN unless connected. */
    public SockAddrIn getpeername(int fd) {
        Handle h = handle("getpeername", fd);
        SockAddrIn peer = driver.call(() -> h.udp.connected()
                ? new SockAddrIn(new Ipv4Address(h.udp.remoteIp()), h.udp.remotePort()) : null);
        if (peer == null) {
            throw new ErrnoException("getpeername", Errno.ENOTCONN);
        }
        return peer;
    }

    /**
     * poll(2): fills each entry's {@code revents} and returns how many are non-zero, waiting up to
     * {@code timeoutMillis} (negative: no limit; 0: just look).
     */
    public int poll(PollFd[] entries, int timeoutMillis) {
        // Time is the stack's clock: the system clock under an EventLoop, virtual time in a Simulation.
        long deadline = timeoutMillis < 0 ? -1 : stack.clock().nanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long seen = driver.readinessVersion();
            int ready = driver.call(() -> {
                int n = 0;
                for (PollFd p : entries) {
                    p.revents = revents(p);
                    if (p.revents != 0) {
                        n++;
                    }
                }
                return n;
            });
            if (ready > 0 || timeoutMillis == 0) {
                return ready;
            }
            long left = deadline < 0 ? -1 : deadline - stack.clock().nanos();
            if (deadline >= 0 && left <= 0) {
                return 0;
            }
            driver.awaitReadiness(seen, left);
        }
    }

    private int revents(PollFd p) {
        Handle h;
        synchronized (fds) {
            h = fds.get(p.fd);
        }
        if (h == null) {
            return p.fd < 0 ? 0 : POLLNVAL;
        }
        UdpEndpoint ep = h.udp;
        int ev = POLLOUT;
        if (ep.queuedDatagrams() > 0) {
            ev |= POLLIN;
        }
        if (ep.pendingError() != null) {
            ev |= POLLERR;
        }
        // POLLERR, POLLHUP and POLLNVAL are reported whether asked for or not.
        return ev & (p.events | POLLERR | POLLHUP | POLLNVAL);
    }
}
