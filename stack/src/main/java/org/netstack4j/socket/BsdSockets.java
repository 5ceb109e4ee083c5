package org.netstack4j.socket;

import static org.netstack4j.socket.SocketConstants.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.ReadinessSignal;
import org.netstack4j.stack.StackDriver;
import org.netstack4j.tcp.StreamHandler;
import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpException;
import org.netstack4j.tcp.TcpInfo;
import org.netstack4j.tcp.TcpState;
import org.netstack4j.tcp.cc.CongestionControlKind;
import org.netstack4j.udp.Datagram;
import org.netstack4j.udp.DatagramHandler;
import org.netstack4j.udp.UdpEndpoint;
import org.netstack4j.wire.Ipv4Address;

/**
 * The BSD socket API over one stack: integer descriptors, Linux's constants ({@link SocketConstants}) and
 * errno values ({@link Errno}). Any thread may call it, virtual threads included: each call is handed to the
 * stack's thread through the {@link StackDriver}, and a blocking call waits for the driver's readiness signal
 * between attempts (in a {@link org.netstack4j.stack.Simulation} that wait runs virtual time forward).
 *
 * <p>Failures throw {@link ErrnoException}; a C caller's "-1 and errno" is its {@link ErrnoException#errno()}.
 * Datagram sockets are UDP, stream sockets TCP.
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
        final StreamSocket tcp;
        volatile boolean nonBlocking;
        /** Set by close(): a thread blocked on this descriptor gives up with EBADF. */
        volatile boolean closed;
        /** What threads blocked on this descriptor wait on; the socket's protocol object signals it. */
        final ReadinessSignal signal = new ReadinessSignal();

        Handle(int type, UdpEndpoint udp, StreamSocket tcp, boolean nonBlocking) {
            this.type = type;
            this.udp = udp;
            this.tcp = tcp;
            this.nonBlocking = nonBlocking;
        }
    }

    /** What accept(2) returns: the new descriptor and the peer's address. */
    public record Accepted(int fd, SockAddrIn peer) {
    }

    private final StackDriver driver;
    private final NetStack stack;
    private final TreeMap<Integer, Handle> fds = new TreeMap<>();

    /** The socket API of the stack that {@code driver} runs. */
    public BsdSockets(StackDriver driver) {
        this.driver = driver;
        this.stack = driver.stack();
    }

    /** The driver this API runs on. */
    public StackDriver driver() {
        return driver;
    }

    // ------------------------------------------------------------------ descriptors

    /** socket(2): a new descriptor, the lowest free one from 3 up (0-2 are stdio, as in a process). */
    public int socket(int domain, int type, int protocol) {
        if (domain != AF_INET) {
            throw new ErrnoException("socket", Errno.EAFNOSUPPORT);
        }
        boolean nonBlocking = (type & SOCK_NONBLOCK) != 0;
        int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        Handle h;
        if (base == SOCK_STREAM) {
            if (protocol != 0 && protocol != IPPROTO_TCP) {
                throw new ErrnoException("socket", Errno.EPROTONOSUPPORT);
            }
            h = new Handle(SOCK_STREAM, null, driver.call(() -> new StreamSocket(
                    stack.tcp().defaultReceiveBuffer(), stack.tcp().defaultSendBuffer())), nonBlocking);
        } else if (base == SOCK_DGRAM) {
            if (protocol != 0 && protocol != IPPROTO_UDP) {
                throw new ErrnoException("socket", Errno.EPROTONOSUPPORT);
            }
            h = new Handle(SOCK_DGRAM, driver.call(() -> stack.udp().open()), null, nonBlocking);
            Handle created = h;
            driver.call(() -> {
                created.udp.setReadinessSignal(created.signal);
                return null;
            });
        } else {
            throw new ErrnoException("socket", Errno.ESOCKTNOSUPPORT);
        }
        return install(h);
    }

    private int install(Handle h) {
        synchronized (fds) {
            int fd = 3;
            while (fds.containsKey(fd)) {
                fd++;
            }
            fds.put(fd, h);
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

    /**
     * Runs {@code attempt} on the stack's thread until it returns non-null, waiting for readiness between
     * attempts unless the socket is non-blocking (then EAGAIN). An attempt signals failure by throwing.
     */
    private <T> T blocking(String call, Handle h, boolean dontWait, Supplier<T> attempt) {
        while (true) {
            if (h.closed) {
                throw new ErrnoException(call, Errno.EBADF);
            }
            long seen = h.signal.version();
            T r = driver.call(attempt);
            if (r != null) {
                return r;
            }
            if (dontWait) {
                throw new ErrnoException(call, Errno.EAGAIN);
            }
            driver.await(h.signal, seen, -1);
        }
    }

    // ------------------------------------------------------------------ bind, listen, accept, connect

    /** bind(2). */
    public void bind(int fd, SockAddrIn address) {
        Handle h = handle("bind", fd);
        if (h.udp != null) {
            check("bind", driver.call(() -> stack.udp().bind(h.udp, address.address().bits(), address.port())));
            return;
        }
        check("bind", driver.call(() -> {
            StreamSocket s = h.tcp;
            if (s.portReserved || s.conn != null || s.listener != null) {
                return Errno.EINVAL;
            }
            int ip = address.address().bits();
            if (ip != 0 && ip != stack.ipv4().address()) {
                return Errno.EADDRNOTAVAIL;
            }
            int port = address.port() == 0 ? stack.tcp().ephemeralPort() : address.port();
            if (port < 0 || !stack.tcp().reservePort(port, s.reuseAddress)) {
                return Errno.EADDRINUSE;
            }
            s.boundIp = ip;
            s.boundPort = port;
            s.portReserved = true;
            return null;
        }));
    }

    /** listen(2). */
    public void listen(int fd, int backlog) {
        Handle h = handle("listen", fd);
        if (h.tcp == null) {
            throw new ErrnoException("listen", Errno.EOPNOTSUPP);
        }
        check("listen", driver.call(() -> {
            StreamSocket s = h.tcp;
            if (s.conn != null) {
                return Errno.EINVAL;
            }
            if (s.listener != null) {
                return null; // a second listen() only changes the backlog on Linux
            }
            if (!s.portReserved) {
                int port = stack.tcp().ephemeralPort();
                if (port < 0 || !stack.tcp().reservePort(port, s.reuseAddress)) {
                    return Errno.EADDRINUSE;
                }
                s.boundPort = port;
                s.portReserved = true;
            }
            try {
                s.listener = stack.tcp().listen(s.boundIp, s.boundPort, backlog, s.receiveBuffer, s.sendBuffer);
                s.listener.setReadinessSignal(h.signal);
                applyBuffers(s);
            } catch (TcpException e) {
                return e.errno();
            }
            return null;
        }));
    }

    /** accept(2): the next established connection; blocks unless non-blocking (EAGAIN). */
    public Accepted accept(int fd) {
        Handle h = handle("accept", fd);
        if (h.tcp == null) {
            throw new ErrnoException("accept", Errno.EOPNOTSUPP);
        }
        TcpConnection c = blocking("accept", h, h.nonBlocking, () -> {
            StreamSocket s = h.tcp;
            if (s.listener == null || s.listener.isClosed()) {
                throw new ErrnoException("accept", s.listener == null ? Errno.EINVAL : Errno.EBADF);
            }
            return stack.tcp().accept(s.listener);
        });
        StreamSocket child = new StreamSocket(h.tcp.receiveBuffer, h.tcp.sendBuffer);
        child.receiveBufferSet = h.tcp.receiveBufferSet;
        child.sendBufferSet = h.tcp.sendBufferSet;
        child.conn = c;
        child.noDelay = h.tcp.noDelay;
        child.keepAlive = h.tcp.keepAlive;
        child.congestion = h.tcp.congestion;
        child.boundPort = c.localPort();
        child.boundIp = c.localIp();
        driver.call(() -> {
            c.setNoDelay(child.noDelay);
            if (child.congestion != null) {
                c.setCongestionControl(child.congestion);
            }
            applyKeepAlive(child);
            return null;
        });
        Handle childHandle = new Handle(SOCK_STREAM, null, child, false);
        driver.call(() -> {
            c.setReadinessSignal(childHandle.signal);
            return null;
        });
        int newFd = install(childHandle);
        return new Accepted(newFd, new SockAddrIn(new Ipv4Address(c.remoteIp()), c.remotePort()));
    }

    /** connect(2); for a datagram socket a null address (AF_UNSPEC) dissolves the association. */
    public void connect(int fd, SockAddrIn address) {
        Handle h = handle("connect", fd);
        if (h.udp != null) {
            if (address == null) {
                driver.call(() -> {
                    stack.udp().disconnect(h.udp);
                    return null;
                });
                return;
            }
            check("connect", driver.call(() -> stack.udp().connect(h.udp, address.address().bits(), address.port())));
            return;
        }
        if (address == null || address.port() == 0) {
            throw new ErrnoException("connect", address == null ? Errno.EAFNOSUPPORT : Errno.ECONNREFUSED);
        }
        Errno started = driver.call(() -> {
            StreamSocket s = h.tcp;
            if (s.listener != null) {
                return Errno.EISCONN;
            }
            if (s.conn != null) {
                if (s.connecting) {
                    TcpState st = s.conn.state();
                    if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED) {
                        return Errno.EALREADY;
                    }
                    s.connecting = false;
                    Errno e = s.conn.takeError();
                    return e != null ? e : null;
                }
                return Errno.EISCONN;
            }
            try {
                s.conn = stack.tcp().connect(s.portReserved ? s.boundPort : 0, address.address().bits(),
                        address.port(), s.receiveBuffer, s.sendBuffer, s.noDelay, s.keepAlive, s.maxSegment);
                s.conn.setReadinessSignal(h.signal);
                applyBuffers(s);
            } catch (TcpException e) {
                return e.errno();
            }
            if (s.portReserved) {
                stack.tcp().releasePort(s.boundPort);
                s.portReserved = false;
            }
            s.boundPort = s.conn.localPort();
            s.boundIp = s.conn.localIp();
            applyKeepAlive(s);
            if (s.congestion != null) {
                s.conn.setCongestionControl(s.congestion);
            }
            s.connecting = true;
            return Errno.EINPROGRESS;
        });
        if (started == null) {
            return; // a completed non-blocking connect reported as success
        }
        if (started != Errno.EINPROGRESS || h.nonBlocking) {
            throw new ErrnoException("connect", started);
        }
        blocking("connect", h, false, () -> {
            StreamSocket s = h.tcp;
            TcpState st = s.conn.state();
            if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED) {
                return null;
            }
            s.connecting = false;
            Errno e = s.conn.takeError();
            if (e != null) {
                throw new ErrnoException("connect", e);
            }
            return Boolean.TRUE;
        });
    }

    // ------------------------------------------------------------------ data

    /** sendto(2); for a stream socket {@code to} is ignored. Returns the bytes accepted. */
    public int sendto(int fd, byte[] data, int off, int len, int flags, SockAddrIn to) {
        Handle h = handle("sendto", fd);
        if (h.tcp != null) {
            return streamSend(h, data, off, len, flags);
        }
        if (to != null && to.port() == 0) {
            throw new ErrnoException("sendto", Errno.EINVAL);
        }
        ByteBuf payload = Unpooled.wrappedBuffer(data, off, len);
        check("sendto", driver.call(() -> stack.udp().send(h.udp,
                to == null ? 0 : to.address().bits(), to == null ? 0 : to.port(), payload)));
        return len;
    }

    /** send(2) / write(2). */
    public int send(int fd, byte[] data, int off, int len, int flags) {
        return sendto(fd, data, off, len, flags, null);
    }

    /** write(2). */
    public int write(int fd, byte[] data, int off, int len) {
        return send(fd, data, off, len, 0);
    }

    private int streamSend(Handle h, byte[] data, int off, int len, int flags) {
        boolean dontWait = h.nonBlocking || (flags & MSG_DONTWAIT) != 0;
        int total = 0;
        while (true) {
            int done = total;
            Integer n = blocking("send", h, dontWait && total == 0, () -> {
                StreamSocket s = h.tcp;
                TcpConnection c = s.conn;
                if (c == null) {
                    throw new ErrnoException("send", Errno.ENOTCONN);
                }
                if (c.wasReset()) {
                    Errno e = c.takeError();
                    if (e != null && !s.resetReported) {
                        s.resetReported = true;
                        throw new ErrnoException("send", e);
                    }
                    throw new ErrnoException("send", Errno.EPIPE);
                }
                TcpState st = c.state();
                if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED) {
                    return null;
                }
                if (s.shutWrite || !st.sendsData()) {
                    throw new ErrnoException("send", Errno.EPIPE);
                }
                int w = c.write(data, off + done, len - done);
                if (w == 0) {
                    return dontWait && done > 0 ? 0 : null;
                }
                return w;
            });
            total += n;
            if (total == len || n == 0 || dontWait) {
                return total;
            }
        }
    }

    /**
     * recvfrom(2). Datagram sockets: the next datagram, cut to fit as Linux does. Stream sockets: up to
     * {@code len} bytes, 0 at end of stream. Blocks unless non-blocking or MSG_DONTWAIT (then EAGAIN).
     */
    public RecvResult recvfrom(int fd, byte[] buf, int off, int len, int flags) {
        Handle h = handle("recvfrom", fd);
        boolean peek = (flags & MSG_PEEK) != 0;
        boolean dontWait = h.nonBlocking || (flags & MSG_DONTWAIT) != 0;
        if (h.tcp != null) {
            int n = streamRecv(h, buf, off, len, peek, dontWait);
            return new RecvResult(n, false, null);
        }
        Datagram d = blocking("recvfrom", h, dontWait, () -> {
            if (h.udp.closed()) {
                throw new ErrnoException("recvfrom", Errno.EBADF);
            }
            Errno e = h.udp.takeError();
            if (e != null) {
                throw new ErrnoException("recvfrom", e);
            }
            return stack.udp().receive(h.udp, peek);
        });
        try {
            int n = Math.min(len, d.payload().readableBytes());
            d.payload().getBytes(d.payload().readerIndex(), buf, off, n);
            boolean truncated = n < d.payload().readableBytes();
            int reported = (flags & MSG_TRUNC) != 0 ? d.payload().readableBytes() : n;
            return new RecvResult(reported, truncated, new SockAddrIn(new Ipv4Address(d.sourceIp()), d.sourcePort()));
        } finally {
            d.payload().release();
        }
    }

    private int streamRecv(Handle h, byte[] buf, int off, int len, boolean peek, boolean dontWait) {
        return blocking("recv", h, dontWait, () -> {
            StreamSocket s = h.tcp;
            TcpConnection c = s.conn;
            if (c == null) {
                throw new ErrnoException("recv", s.listener != null ? Errno.EINVAL : Errno.ENOTCONN);
            }
            if (s.shutRead) {
                return 0;
            }
            if (c.readable() > 0) {
                return c.read(buf, off, len, peek);
            }
            if (len == 0) {
                return 0;
            }
            if (c.wasReset()) {
                Errno e = c.takeError();
                if (e != null && !s.resetReported) {
                    s.resetReported = true;
                    throw new ErrnoException("recv", e);
                }
                return 0;
            }
            if (c.peerClosed() || c.state() == TcpState.CLOSED) {
                return 0;
            }
            if (c.state() == TcpState.SYN_SENT || c.state() == TcpState.SYN_RECEIVED) {
                return null;
            }
            return null;
        });
    }

    /** recv(2): like recvfrom without the source; returns the byte count. */
    public int recv(int fd, byte[] buf, int off, int len, int flags) {
        return recvfrom(fd, buf, off, len, flags).length();
    }

    /** read(2). */
    public int read(int fd, byte[] buf, int off, int len) {
        return recv(fd, buf, off, len, 0);
    }

    /**
     * Not BSD: serves the connection of stream socket {@code fd} on the stack's own thread from now on, the way
     * a service that set a connection up with blocking calls moves its data path into the event loop. The
     * handler runs there after every change until it returns false, the connection ends (reset, timeout) or
     * the descriptor is closed; the returned future completes then. The descriptor stays open: close it as
     * usual afterwards. Blocking calls on it meanwhile see whatever the handler left.
     */
    public CompletableFuture<Void> serveOnStack(int fd, StreamHandler handler) {
        Handle h = handle("serveOnStack", fd);
        if (h.tcp == null) {
            throw new ErrnoException("serveOnStack", Errno.EOPNOTSUPP);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        check("serveOnStack", driver.call(() -> {
            TcpConnection c = h.tcp.conn;
            if (c == null || h.closed) {
                return c == null ? Errno.ENOTCONN : Errno.EBADF;
            }
            h.tcp.served = done;
            StreamHandler turn = conn -> {
                boolean more = conn.state() != TcpState.CLOSED && handler.onReadiness(conn)
                        && conn.state() != TcpState.CLOSED;
                if (!more) {
                    done.complete(null);
                }
                return more;
            };
            c.setHandler(turn);
            if (!turn.onReadiness(c)) {
                c.setHandler(null);
            }
            return null;
        }));
        return done;
    }

    /**
     * Serves the datagram socket {@code fd} on the stack's thread: each datagram arriving for it goes to
     * {@code handler} there instead of to recvfrom (see {@link DatagramHandler}). close(fd) stops it.
     */
    public void serveDatagramsOnStack(int fd, DatagramHandler handler) {
        Handle h = handle("serveDatagramsOnStack", fd);
        if (h.udp == null) {
            throw new ErrnoException("serveDatagramsOnStack", Errno.EOPNOTSUPP);
        }
        check("serveDatagramsOnStack", driver.call(() -> {
            if (h.closed) {
                return Errno.EBADF;
            }
            stack.udp().serve(h.udp, handler);
            return null;
        }));
    }

    /** shutdown(2): SHUT_RD, SHUT_WR or SHUT_RDWR on a connected stream socket. */
    public void shutdown(int fd, int how) {
        Handle h = handle("shutdown", fd);
        if (how < SHUT_RD || how > SHUT_RDWR) {
            throw new ErrnoException("shutdown", Errno.EINVAL);
        }
        if (h.tcp == null) {
            throw new ErrnoException("shutdown", Errno.ENOTCONN);
        }
        check("shutdown", driver.call(() -> {
            StreamSocket s = h.tcp;
            if (s.conn == null) {
                return Errno.ENOTCONN;
            }
            if (how != SHUT_WR) {
                s.shutRead = true;
                s.conn.shutdownRead();
            }
            if (how != SHUT_RD && !s.shutWrite) {
                s.shutWrite = true;
                s.conn.shutdownWrite();
            }
            return null;
        }));
    }

    /** close(2): frees the descriptor; a stream connection then closes on its own (FIN, or RST per SO_LINGER). */
    public void close(int fd) {
        Handle h;
        synchronized (fds) {
            h = fds.remove(fd);
        }
        if (h == null) {
            throw new ErrnoException("close", Errno.EBADF);
        }
        h.closed = true;
        TcpConnection lingering = driver.call(() -> h.tcp != null && h.tcp.lingerOn && h.tcp.lingerSeconds > 0
                && !h.nonBlocking ? h.tcp.conn : null);
        driver.call(() -> {
            if (h.udp != null) {
                stack.udp().close(h.udp);
            } else {
                StreamSocket s = h.tcp;
                if (s.listener != null) {
                    stack.tcp().closeListener(s.listener);
                }
                if (s.conn != null) {
                    s.conn.setHandler(null);
                    s.conn.userClose();
                }
                if (s.served != null) {
                    s.served.complete(null);
                }
                if (s.portReserved) {
                    stack.tcp().releasePort(s.boundPort);
                    s.portReserved = false;
                }
            }
            // Wake any thread blocked on this descriptor: it then fails with EBADF, as after close in Linux.
            stack.signalReadiness();
            h.signal.signal();
            return null;
        });
        if (lingering != null) {
            lingerUntilAcknowledged(lingering, h.signal, h.tcp.lingerSeconds);
        }
    }

    /**
     * SO_LINGER with a timeout on a blocking socket: close() returns once our FIN is acknowledged (the state
     * has moved past FIN-WAIT-1 / CLOSING / LAST-ACK) or the timeout passes, as in Linux.
     */
    private void lingerUntilAcknowledged(TcpConnection c, ReadinessSignal signal, int seconds) {
        long deadline = stack.clock().nanos() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long seen = signal.version();
            boolean done = driver.call(() -> switch (c.state()) {
                case FIN_WAIT_1, CLOSING, LAST_ACK -> false;
                default -> true;
            });
            long left = deadline - stack.clock().nanos();
            if (done || left <= 0) {
                return;
            }
            driver.await(signal, seen, left);
        }
    }

    // ------------------------------------------------------------------ options

    /** setsockopt(2) with an integer value. */
    public void setsockopt(int fd, int level, int name, int value) {
        Handle h = handle("setsockopt", fd);
        driver.call(() -> {
            if (level == SOL_SOCKET) {
                setSocketLevel(h, name, value);
            } else if (level == IPPROTO_TCP && h.tcp != null) {
                setTcpLevel(h.tcp, name, value);
            } else {
                throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
            }
            return null;
        });
    }

    private void setSocketLevel(Handle h, int name, int value) {
        // Linux doubles buffer requests to leave room for bookkeeping, and getsockopt shows the doubled size.
        int rcv = Math.max(MIN_RCVBUF, 2 * clampRequest(value));
        int snd = Math.max(MIN_SNDBUF, 2 * clampRequest(value));
        if (h.udp != null) {
            UdpEndpoint ep = h.udp;
            switch (name) {
                case SO_REUSEADDR -> ep.setReuseAddress(value != 0);
                case SO_BROADCAST -> ep.setBroadcast(value != 0);
                case SO_RCVBUF -> ep.setReceiveBuffer(rcv);
                case SO_SNDBUF -> ep.setSendBuffer(snd);
                default -> throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
            }
            return;
        }
        StreamSocket s = h.tcp;
        switch (name) {
            case SO_REUSEADDR -> s.reuseAddress = value != 0;
            case SO_KEEPALIVE -> {
                s.keepAlive = value != 0;
                applyKeepAlive(s);
            }
            case SO_RCVBUF -> {
                s.receiveBuffer = rcv;
                s.receiveBufferSet = true;
                applyBuffers(s);
            }
            case SO_SNDBUF -> {
                s.sendBuffer = snd;
                s.sendBufferSet = true;
                applyBuffers(s);
            }
            default -> throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
        }
    }

    private void setTcpLevel(StreamSocket s, int name, int value) {
        switch (name) {
            case TCP_NODELAY -> {
                s.noDelay = value != 0;
                if (s.conn != null) {
                    s.conn.setNoDelay(s.noDelay);
                }
            }
            case TCP_MAXSEG -> {
                if (value < 88 || value > 65_495) {
                    throw new ErrnoException("setsockopt", Errno.EINVAL);
                }
                s.maxSegment = value;
            }
            case TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT -> {
                if (value < 1 || value > 32_767) {
                    throw new ErrnoException("setsockopt", Errno.EINVAL);
                }
                if (name == TCP_KEEPIDLE) {
                    s.keepIdleSeconds = value;
                } else if (name == TCP_KEEPINTVL) {
                    s.keepIntervalSeconds = value;
                } else {
                    s.keepCount = value;
                }
                applyKeepAlive(s);
            }
            default -> throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
        }
    }

    private static void applyKeepAlive(StreamSocket s) {
        if (s.conn != null) {
            s.conn.setKeepAlive(s.keepAlive, TimeUnit.SECONDS.toNanos(s.keepIdleSeconds),
                    TimeUnit.SECONDS.toNanos(s.keepIntervalSeconds), s.keepCount);
        }
    }

    /** Hands the buffer sizes the user set to the connection or listener, which then stop autotuning them. */
    private static void applyBuffers(StreamSocket s) {
        if (s.conn != null) {
            if (s.receiveBufferSet) {
                s.conn.setReceiveBuffer(s.receiveBuffer);
            }
            if (s.sendBufferSet) {
                s.conn.setSendBuffer(s.sendBuffer);
            }
        }
        if (s.listener != null) {
            s.listener.setBuffers(s.receiveBuffer, s.receiveBufferSet, s.sendBuffer, s.sendBufferSet);
        }
    }

    /**
     * setsockopt(2) with a string value: IPPROTO_TCP TCP_CONGESTION takes an algorithm name ("reno",
     * "cubic"); an unknown name fails with ENOENT as in Linux.
     */
    public void setsockoptString(int fd, int level, int name, String value) {
        Handle h = handle("setsockopt", fd);
        if (level != IPPROTO_TCP || h.tcp == null || name != TCP_CONGESTION) {
            throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
        }
        CongestionControlKind kind;
        try {
            kind = CongestionControlKind.named(value);
        } catch (IllegalArgumentException e) {
            throw new ErrnoException("setsockopt", Errno.ENOENT);
        }
        driver.call(() -> {
            h.tcp.congestion = kind;
            if (h.tcp.conn != null) {
                h.tcp.conn.setCongestionControl(kind);
            }
            return null;
        });
    }

    /** getsockopt(2) of a string option: IPPROTO_TCP TCP_CONGESTION gives the algorithm's name. */
    public String getsockoptString(int fd, int level, int name) {
        Handle h = handle("getsockopt", fd);
        if (level != IPPROTO_TCP || h.tcp == null || name != TCP_CONGESTION) {
            throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
        }
        return driver.call(() -> {
            StreamSocket s = h.tcp;
            if (s.conn != null) {
                return s.conn.sender().congestionControl().kind().linuxName();
            }
            return (s.congestion != null ? s.congestion : stack.config().tcpProfile().congestionControl()).linuxName();
        });
    }

    /** setsockopt(SOL_SOCKET, SO_LINGER) with {@code struct linger {l_onoff, l_linger}}. */
    public void setLinger(int fd, boolean on, int seconds) {
        Handle h = handle("setsockopt", fd);
        if (h.tcp == null) {
            throw new ErrnoException("setsockopt", Errno.ENOPROTOOPT);
        }
        driver.call(() -> {
            h.tcp.lingerOn = on;
            h.tcp.lingerSeconds = seconds;
            if (h.tcp.conn != null) {
                h.tcp.conn.setLingerZero(on && seconds == 0);
            }
            return null;
        });
    }

    /** getsockopt(SOL_SOCKET, SO_LINGER): {l_onoff, l_linger}. */
    public int[] getLinger(int fd) {
        Handle h = handle("getsockopt", fd);
        if (h.tcp == null) {
            throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
        }
        return driver.call(() -> new int[] {h.tcp.lingerOn ? 1 : 0, h.tcp.lingerSeconds});
    }

    private static int clampRequest(int value) {
        return Math.min(Math.max(value, 0), MAX_BUF_REQUEST);
    }

    /** getsockopt(2) of an integer option. */
    public int getsockopt(int fd, int level, int name) {
        Handle h = handle("getsockopt", fd);
        return driver.call(() -> {
            if (level == IPPROTO_TCP && h.tcp != null) {
                StreamSocket s = h.tcp;
                return switch (name) {
                    case TCP_NODELAY -> s.noDelay ? 1 : 0;
                    case TCP_MAXSEG -> s.conn != null ? s.conn.sender().mss()
                            : (s.maxSegment > 0 ? s.maxSegment : 536);
                    case TCP_KEEPIDLE -> s.keepIdleSeconds;
                    case TCP_KEEPINTVL -> s.keepIntervalSeconds;
                    case TCP_KEEPCNT -> s.keepCount;
                    // A struct, not an int: tcpInfo(fd) returns it.
                    case TCP_INFO -> throw new ErrnoException("getsockopt", Errno.EINVAL);
                    default -> throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
                };
            }
            if (level != SOL_SOCKET) {
                throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
            }
            if (h.udp != null) {
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
            }
            StreamSocket s = h.tcp;
            return switch (name) {
                case SO_REUSEADDR -> s.reuseAddress ? 1 : 0;
                case SO_KEEPALIVE -> s.keepAlive ? 1 : 0;
                case SO_RCVBUF -> s.conn != null ? s.conn.receiveBuffer() : s.receiveBuffer; // as autotuned
                case SO_SNDBUF -> s.sendBuffer;
                case SO_TYPE -> h.type;
                case SO_ERROR -> {
                    Errno e = null;
                    if (s.conn != null && (s.connecting || !s.resetReported)) {
                        e = s.conn.takeError();
                        if (e != null && s.conn.wasReset()) {
                            s.resetReported = true;
                        }
                    }
                    yield e == null ? 0 : e.number();
                }
                default -> throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
            };
        });
    }

    /**
     * getsockopt(IPPROTO_TCP, TCP_INFO): a snapshot of the connection (an unconnected or listening socket reports
     * only its state, as Linux does). ENOPROTOOPT for a datagram socket.
     */
    public TcpInfo tcpInfo(int fd) {
        Handle h = handle("getsockopt", fd);
        if (h.tcp == null) {
            throw new ErrnoException("getsockopt", Errno.ENOPROTOOPT);
        }
        return driver.call(() -> {
            StreamSocket s = h.tcp;
            if (s.conn != null) {
                return s.conn.info();
            }
            return TcpInfo.unconnected(s.listener != null && !s.listener.isClosed() ? TcpState.LISTEN : TcpState.CLOSED);
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
        return driver.call(() -> h.udp != null
                ? new SockAddrIn(new Ipv4Address(h.udp.localIp()), h.udp.localPort())
                : new SockAddrIn(new Ipv4Address(h.tcp.boundIp), h.tcp.boundPort));
    }

    /** getpeername(2); ENOTCONN unless connected. */
    public SockAddrIn getpeername(int fd) {
        Handle h = handle("getpeername", fd);
        SockAddrIn peer = driver.call(() -> {
            if (h.udp != null) {
                return h.udp.connected() ? new SockAddrIn(new Ipv4Address(h.udp.remoteIp()), h.udp.remotePort()) : null;
            }
            TcpConnection c = h.tcp.conn;
            return c != null && c.state() != TcpState.SYN_SENT && c.state() != TcpState.CLOSED
                    ? new SockAddrIn(new Ipv4Address(c.remoteIp()), c.remotePort()) : null;
        });
        if (peer == null) {
            throw new ErrnoException("getpeername", Errno.ENOTCONN);
        }
        return peer;
    }

    // ------------------------------------------------------------------ poll

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
        int ev;
        if (h.udp != null) {
            UdpEndpoint ep = h.udp;
            ev = POLLOUT;
            if (ep.queuedDatagrams() > 0) {
                ev |= POLLIN;
            }
            if (ep.pendingError() != null) {
                ev |= POLLERR;
            }
        } else {
            ev = streamEvents(h.tcp);
        }
        // POLLERR, POLLHUP and POLLNVAL are reported whether asked for or not.
        return ev & (p.events | POLLERR | POLLHUP | POLLNVAL);
    }

    private static int streamEvents(StreamSocket s) {
        if (s.listener != null) {
            return s.listener.acceptQueueLength() > 0 ? POLLIN : 0;
        }
        TcpConnection c = s.conn;
        if (c == null) {
            return POLLOUT | POLLHUP; // Linux: an unconnected stream socket reports POLLOUT | POLLHUP
        }
        int ev = 0;
        TcpState st = c.state();
        if (c.error() != null) {
            ev |= POLLERR;
        }
        if (c.readable() > 0 || c.peerClosed() || s.shutRead) {
            ev |= POLLIN;
        }
        if (c.peerClosed() || s.shutRead) {
            ev |= POLLRDHUP;
        }
        if (st.sendsData() && !s.shutWrite && c.writable() > 0) {
            ev |= POLLOUT;
        }
        if (c.wasReset() || st == TcpState.CLOSED || (s.shutWrite && c.peerClosed())) {
            ev |= POLLHUP | POLLIN;
            if (!s.shutWrite && st != TcpState.SYN_SENT) {
                ev |= POLLOUT;
            }
        }
        return ev;
    }
}
