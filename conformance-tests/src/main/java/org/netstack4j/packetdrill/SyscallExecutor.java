package org.netstack4j.packetdrill;

import static org.netstack4j.socket.SocketConstants.*;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.PollFd;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.wire.Ipv4Address;

/**
 * Makes a script's system calls on {@link BsdSockets}, never blocking: a call that would block returns null
 * and is retried by the runner after each step of virtual time. Script descriptors map to live ones; addresses
 * in bind/connect/sendto are replaced by the test's own; data written is zeros and data read is counted.
 */
final class SyscallExecutor {
    /** What one call returned; {@code mismatch} describes a wrong output value (getsockopt, poll). */
    record Outcome(long value, Errno errno, String mismatch) {
        static Outcome ok(long v) {
            return new Outcome(v, null, null);
        }
    }

    /** One call in progress (a blocking call may take several attempts). */
    static final class Invocation {
        final Action.Syscall call;
        final int line;
        final long startMicros;
        /** Bytes already written by a blocking write. */
        long progress;
        /** When a blocked call must be retried even if nothing happens (a poll() timeout), or Long.MAX_VALUE. */
        long wakeAtMicros = Long.MAX_VALUE;

        Invocation(Action.Syscall call, int line, long startMicros) {
            this.call = call;
            this.line = line;
            this.startMicros = startMicros;
        }
    }

    private final VirtualHost host;
    private final BsdSockets sockets;
    private final RunnerConfig config;
    private final Flow flow;
    private final Map<Long, Integer> fds = new TreeMap<>();
    private byte[] scratch = new byte[65536];

    SyscallExecutor(VirtualHost host, RunnerConfig config, Flow flow) {
        this.host = host;
        this.sockets = host.sockets;
        this.config = config;
        this.flow = flow;
    }

    /** Records that script descriptor {@code scriptFd} is live descriptor {@code liveFd}. */
    void mapFd(long scriptFd, int liveFd) {
        fds.put(scriptFd, liveFd);
    }

    /** The live descriptors still open, for the reset at the end. */
    List<Integer> liveFds() {
        return List.copyOf(fds.values());
    }

    private int fd(Expr e) throws ScriptSkip {
        long s = value(e);
        return fds.getOrDefault(s, (int) s);
    }

    /** Attempts the call once; null means it would block. */
    Outcome attempt(Invocation inv) throws ScriptSkip {
        Action.Syscall c = inv.call;
        List<Expr> a = c.args();
        try {
            return switch (c.name()) {
                case "socket" -> socket(a);
                case "bind" -> {
                    arity(c, 3);
                    int fd = fd(a.get(0));
                    sockets.bind(fd, new SockAddrIn(config.localIp(), config.bindPort()));
                    flow.localPort = config.bindPort();
                    yield Outcome.ok(0);
                }
                case "listen" -> {
                    arity(c, 2);
                    int fd = fd(a.get(0));
                    sockets.listen(fd, (int) value(a.get(1)));
                    flow.localPort = sockets.getsockname(fd).port();
                    flow.remotePort = Flow.REMOTE_EPHEMERAL_PORT;
                    yield Outcome.ok(0);
                }
                case "accept", "accept4" -> accept(c);
                case "connect" -> connect(c);
                case "write", "send", "sendto", "writev", "sendmsg" -> send(inv);
                case "read", "recv", "recvfrom", "readv", "recvmsg" -> receive(c);
                case "shutdown" -> {
                    arity(c, 2);
                    sockets.shutdown(fd(a.get(0)), (int) value(a.get(1)));
                    yield Outcome.ok(0);
                }
                case "close" -> {
                    arity(c, 1);
                    try {
                        sockets.close(fd(a.get(0)));
                    } catch (VirtualHost.WouldBlock e) {
                        // SO_LINGER with a timeout: the descriptor is gone; we do not emulate close() waiting.
                    }
                    fds.values().remove(fd(a.get(0)));
                    yield Outcome.ok(0);
                }
                case "getsockopt" -> getsockopt(c);
                case "setsockopt" -> setsockopt(c);
                case "fcntl" -> {
                    if (a.size() < 2) {
                        throw new ScriptSkip("fcntl with " + a.size() + " arguments");
                    }
                    long cmd = value(a.get(1));
                    if (cmd != F_GETFL && cmd != F_SETFL) {
                        throw new ScriptSkip("fcntl command " + a.get(1) + " is not supported");
                    }
                    yield Outcome.ok(sockets.fcntl(fd(a.get(0)), (int) cmd, a.size() > 2 ? (int) value(a.get(2)) : 0));
                }
                case "ioctl" -> ioctl(c);
                case "poll" -> poll(inv);
                case "getsockname", "getpeername" -> {
                    int fd = fd(a.get(0));
                    if (c.name().equals("getsockname")) {
                        sockets.getsockname(fd);
                    } else {
                        sockets.getpeername(fd);
                    }
                    yield Outcome.ok(0);
                }
                default -> throw new ScriptSkip("system call " + c.name() + "() is not supported by the runner");
            };
        } catch (ErrnoException e) {
            return new Outcome(-1, e.errno(), null);
        } catch (IndexOutOfBoundsException e) {
            throw new ScriptSkip(c.name() + "() written with " + a.size() + " arguments, a form the runner does not know");
        }
    }

    private static void arity(Action.Syscall c, int n) throws ScriptSkip {
        if (c.args().size() != n) {
            throw new ScriptSkip(c.name() + "() with " + c.args().size() + " arguments (expected " + n + ")");
        }
    }

    private Outcome socket(List<Expr> a) throws ScriptSkip {
        if (a.size() != 3) {
            throw new ScriptSkip("socket() with " + a.size() + " arguments");
        }
        long domain = a.get(0) instanceof Expr.Ellipsis ? AF_INET : value(a.get(0));
        if (domain != AF_INET) {
            throw new ScriptSkip("socket domain " + a.get(0) + " (the stack is IPv4 only)");
        }
        int type = (int) value(a.get(1));
        int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (base != SOCK_STREAM && base != SOCK_DGRAM) {
            throw new ScriptSkip("socket type " + a.get(1));
        }
        long proto = a.get(2) instanceof Expr.Ellipsis ? 0 : value(a.get(2));
        return Outcome.ok(sockets.socket((int) domain, type, (int) proto));
    }

    /** Runs {@code call} with the descriptor made non-blocking; null if that made it fail with {@code busy}. */
    private <T> T nonBlocking(int fd, java.util.function.Supplier<T> call, Errno... busy) {
        int flags = sockets.fcntl(fd, F_GETFL, 0);
        if ((flags & O_NONBLOCK) != 0) {
            return call.get(); // the script's own non-blocking socket: EAGAIN is its real answer
        }
        sockets.fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        try {
            return call.get();
        } catch (ErrnoException e) {
            for (Errno b : busy) {
                if (e.errno() == b) {
                    return null;
                }
            }
            throw e;
        } finally {
            sockets.fcntl(fd, F_SETFL, flags);
        }
    }

    private Outcome accept(Action.Syscall c) throws ScriptSkip {
        int fd = fd(c.args().get(0));
        BsdSockets.Accepted acc = nonBlocking(fd, () -> sockets.accept(fd), Errno.EAGAIN);
        if (acc == null) {
            return null;
        }
        flow.testFd = acc.fd();
        return Outcome.ok(acc.fd());
    }

    private Outcome connect(Action.Syscall c) throws ScriptSkip {
        int fd = fd(c.args().get(0));
        SockAddrIn to = c.args().size() > 1 && isUnspec(c.args().get(1)) ? null
                : new SockAddrIn(config.remoteIp(), config.connectPort());
        try {
            Boolean done = nonBlocking(fd, () -> {
                sockets.connect(fd, to);
                return Boolean.TRUE;
            }, Errno.EINPROGRESS, Errno.EALREADY);
            return done == null ? null : Outcome.ok(0);
        } finally {
            flow.remotePort = config.connectPort();
            try {
                flow.localPort = sockets.getsockname(fd).port();
                flow.testFd = fd;
            } catch (ErrnoException ignored) {
                // a bad descriptor: the call's own error is what the script sees
            }
        }
    }

    private static boolean isUnspec(Expr e) {
        return e instanceof Expr.Struct s && s.get("sa_family") instanceof Expr.Symbol f && f.name().equals("AF_UNSPEC");
    }

    private Outcome send(Invocation inv) throws ScriptSkip {
        Action.Syscall c = inv.call;
        List<Expr> a = c.args();
        int fd = fd(a.get(0));
        long length;
        int flags = 0;
        SockAddrIn to = null;
        switch (c.name()) {
            case "write" -> length = value(a.get(2));
            case "send" -> {
                length = value(a.get(2));
                flags = (int) value(a.get(3));
            }
            case "sendto" -> {
                length = value(a.get(2));
                flags = (int) value(a.get(3));
                to = new SockAddrIn(config.remoteIp(), config.connectPort());
            }
            case "writev" -> length = iovecLength(a.get(1));
            default -> { // sendmsg
                Expr.Struct msg = struct(a.get(1), "sendmsg");
                length = iovecLength(msg.get("msg_iov"));
                flags = (int) value(a.get(2));
                if (msg.get("msg_name") != null && !(msg.get("msg_name") instanceof Expr.Ellipsis)) {
                    to = new SockAddrIn(config.remoteIp(), config.connectPort());
                }
            }
        }
        if (to != null) {
            flow.remotePort = config.connectPort();
        }
        boolean mayBlock = (flags & MSG_DONTWAIT) == 0 && (sockets.fcntl(fd, F_GETFL, 0) & O_NONBLOCK) == 0;
        // At least one call, so that a zero-length write reaches the socket (a UDP socket sends an empty datagram).
        do {
            int n = (int) Math.min(length - inv.progress, scratch.length);
            int sent;
            try {
                sent = sockets.sendto(fd, zeros(n), 0, n, flags | MSG_DONTWAIT, to);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EAGAIN && mayBlock) {
                    return null;
                }
                if (inv.progress > 0) {
                    return Outcome.ok(inv.progress); // Linux returns the bytes sent before the error
                }
                throw e;
            } finally {
                learnLocalPort(fd);
            }
            inv.progress += sent;
            if (!mayBlock && inv.progress < length) {
                break; // a non-blocking send returns what fitted
            }
        } while (inv.progress < length);
        return Outcome.ok(inv.progress);
    }

    private void learnLocalPort(int fd) {
        if (flow.localPort == 0) {
            try {
                flow.localPort = sockets.getsockname(fd).port();
            } catch (ErrnoException ignored) {
                // a bad descriptor has no port
            }
        }
    }

    private byte[] zeros(int n) {
        if (scratch.length < n) {
            scratch = new byte[n];
        }
        java.util.Arrays.fill(scratch, 0, n, (byte) 0);
        return scratch;
    }

    private Outcome receive(Action.Syscall c) throws ScriptSkip {
        List<Expr> a = c.args();
        int fd = fd(a.get(0));
        long length;
        int flags = 0;
        switch (c.name()) {
            case "read" -> length = value(a.get(2));
            case "recv", "recvfrom" -> {
                length = value(a.get(2));
                flags = (int) value(a.get(3));
            }
            case "readv" -> length = iovecLength(a.get(1));
            default -> {
                length = iovecLength(struct(a.get(1), "recvmsg").get("msg_iov"));
                flags = (int) value(a.get(2));
            }
        }
        boolean mayBlock = (flags & MSG_DONTWAIT) == 0 && (sockets.fcntl(fd, F_GETFL, 0) & O_NONBLOCK) == 0;
        byte[] buf = length <= scratch.length ? scratch : new byte[(int) length];
        try {
            return Outcome.ok(sockets.recvfrom(fd, buf, 0, (int) length, flags | MSG_DONTWAIT).length());
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EAGAIN && mayBlock) {
                return null;
            }
            throw e;
        }
    }

    private long iovecLength(Expr iov) throws ScriptSkip {
        if (iov instanceof Expr.ListOf l) {
            long sum = 0;
            for (Expr item : l.items()) {
                Expr len = struct(item, "iovec").get("iov_len");
                sum += len == null ? 0 : value(len);
            }
            return sum;
        }
        throw new ScriptSkip("an iovec written as " + iov + " (expected [{iov_base=..., iov_len=N}, ...])");
    }

    private static Expr.Struct struct(Expr e, String what) throws ScriptSkip {
        if (e instanceof Expr.Struct s) {
            return s;
        }
        throw new ScriptSkip(what + " argument written as " + e + " (expected a struct literal)");
    }

    private Outcome getsockopt(Action.Syscall c) throws ScriptSkip {
        List<Expr> a = c.args();
        if (a.size() < 4) {
            throw new ScriptSkip("getsockopt() with " + a.size() + " arguments");
        }
        int fd = fd(a.get(0));
        int level = (int) value(a.get(1));
        int name = (int) value(a.get(2));
        Expr expected = a.get(3);
        if (level == SOL_SOCKET && name == SO_LINGER) {
            int[] l = sockets.getLinger(fd);
            Expr.Struct s = struct(expected, "SO_LINGER");
            String m = compareField("onoff", s.get("onoff"), l[0]);
            if (m == null) {
                m = compareField("linger", s.get("linger"), l[1]);
            }
            return new Outcome(0, null, m);
        }
        if (expected instanceof Expr.Struct || expected instanceof Expr.Str) {
            throw new ScriptSkip("getsockopt " + a.get(2) + " with a " + (expected instanceof Expr.Str ? "string" : "struct") + " value");
        }
        int v;
        try {
            v = sockets.getsockopt(fd, level, name);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOPROTOOPT && !(c.errno() != null && c.errno().equals("ENOPROTOOPT"))) {
                throw new ScriptSkip("getsockopt " + a.get(2) + ": not supported by the stack");
            }
            throw e;
        }
        Expr want = expected instanceof Expr.ListOf l && l.items().size() == 1 ? l.items().get(0) : expected;
        return new Outcome(0, null, compareField("value", want, v));
    }

    private String compareField(String what, Expr want, long actual) throws ScriptSkip {
        if (want == null || want instanceof Expr.Ellipsis) {
            return null;
        }
        long w = value(want);
        return w == actual ? null : what + " " + actual + ", expected " + want;
    }

    private Outcome setsockopt(Action.Syscall c) throws ScriptSkip {
        List<Expr> a = c.args();
        if (a.size() < 4) {
            throw new ScriptSkip("setsockopt() with " + a.size() + " arguments");
        }
        int fd = fd(a.get(0));
        int level = (int) value(a.get(1));
        int name = (int) value(a.get(2));
        Expr val = a.get(3);
        if (level == SOL_SOCKET && name == SO_LINGER) {
            Expr.Struct s = struct(val, "SO_LINGER");
            sockets.setLinger(fd, value(s.get("onoff")) != 0, (int) value(s.get("linger")));
            return Outcome.ok(0);
        }
        if (val instanceof Expr.Str || val instanceof Expr.Struct) {
            throw new ScriptSkip("setsockopt " + a.get(2) + " with a " + (val instanceof Expr.Str ? "string" : "struct") + " value");
        }
        long v = val instanceof Expr.ListOf l && l.items().size() == 1 ? value(l.items().get(0)) : value(val);
        try {
            sockets.setsockopt(fd, level, name, (int) v);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOPROTOOPT && !(c.errno() != null && c.errno().equals("ENOPROTOOPT"))) {
                throw new ScriptSkip("setsockopt " + a.get(2) + ": not supported by the stack");
            }
            throw e;
        }
        return Outcome.ok(0);
    }

    private Outcome ioctl(Action.Syscall c) throws ScriptSkip {
        List<Expr> a = c.args();
        int fd = fd(a.get(0));
        long req = value(a.get(1));
        if (req != 0x541B) {
            throw new ScriptSkip("ioctl " + a.get(1) + " is not supported");
        }
        // FIONREAD/SIOCINQ: the bytes a read could take now, found by peeking.
        int n;
        try {
            n = sockets.recvfrom(fd, new byte[1 << 20], 0, 1 << 20, MSG_PEEK | MSG_DONTWAIT).length();
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EAGAIN) {
                throw e;
            }
            n = 0;
        }
        Expr want = a.size() > 2 && a.get(2) instanceof Expr.ListOf l && l.items().size() == 1 ? l.items().get(0) : null;
        return new Outcome(0, null, compareField("value", want, n));
    }

    private Outcome poll(Invocation inv) throws ScriptSkip {
        List<Expr> a = inv.call.args();
        if (a.size() != 3 || !(a.get(0) instanceof Expr.ListOf list)) {
            throw new ScriptSkip("poll() written as " + inv.call + " (expected poll([{fd=..., events=...}], n, timeout))");
        }
        PollFd[] entries = new PollFd[list.items().size()];
        for (int i = 0; i < entries.length; i++) {
            Expr.Struct s = struct(list.items().get(i), "pollfd");
            entries[i] = new PollFd(fd(s.get("fd")), (int) value(s.get("events")));
        }
        long timeoutMillis = value(a.get(2));
        int ready = sockets.poll(entries, 0);
        if (ready == 0 && timeoutMillis != 0
                && (timeoutMillis < 0 || host.nowMicros() < inv.startMicros + timeoutMillis * 1000)) {
            inv.wakeAtMicros = timeoutMillis < 0 ? Long.MAX_VALUE : inv.startMicros + timeoutMillis * 1000;
            return null;
        }
        for (int i = 0; i < entries.length; i++) {
            Expr want = ((Expr.Struct) list.items().get(i)).get("revents");
            if (want != null && !(want instanceof Expr.Ellipsis) && value(want) != entries[i].revents) {
                return new Outcome(ready, null, "revents of fd " + ((Expr.Struct) list.items().get(i)).get("fd") + " "
                        + pollNames(entries[i].revents) + ", expected " + want);
            }
        }
        return Outcome.ok(ready);
    }

    private static String pollNames(int bits) {
        if (bits == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        for (String n : new String[] {"POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDHUP"}) {
            long v = LinuxSymbols.value(n);
            if ((bits & v) != 0) {
                b.append(b.isEmpty() ? "" : "|").append(n);
            }
        }
        return b.toString();
    }

    /** The integer value of an argument. */
    static long value(Expr e) throws ScriptSkip {
        return switch (e) {
            case Expr.Int i -> i.value();
            case Expr.Symbol s -> {
                Long v = LinuxSymbols.value(s.name());
                if (v == null) {
                    throw new ScriptSkip("symbol " + s.name() + " is unknown to the runner");
                }
                yield v;
            }
            case Expr.BitOr o -> {
                long v = 0;
                for (Expr t : o.terms()) {
                    v |= value(t);
                }
                yield v;
            }
            case Expr.Call c when (c.name().equals("htons") || c.name().equals("htonl") || c.name().equals("ntohs")
                    || c.name().equals("ntohl")) && c.args().size() == 1 -> value(c.args().get(0));
            case Expr.Call c when c.name().equals("inet_addr") && c.args().size() == 1 && c.args().get(0) instanceof Expr.Str s ->
                    Ipv4Address.parse(s.value()).bits() & 0xFFFF_FFFFL;
            case Expr.Ellipsis x -> 0;
            default -> throw new ScriptSkip("argument " + e + " where a number is needed");
        };
    }
}
