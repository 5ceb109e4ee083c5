package org.netstack4j.interop;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.socket.SocketConstants.POLLIN;
import static org.netstack4j.socket.SocketConstants.POLLOUT;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInfo;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.PollFd;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpState;
import org.netstack4j.tcp.TcpTraceEvent;
import org.netstack4j.tcp.TcpTraceListener;
import org.netstack4j.wire.Ipv4Address;

/**
 * What the TCP interop tests share: snapshots of the stack's connections (taken on the stack's thread), the
 * kernel's sockets as {@code ss} shows them, waiting for a condition without sleeping, recording the stack's
 * state transitions, and the byte patterns of the chargen and HTTP services.
 */
public final class TcpInterop {

    /** Generous limit for anything the kernel or the stack should do "soon". */
    public static final Duration SOON = Duration.ofSeconds(30);

    private TcpInterop() {
    }

    /** One stack connection as seen at one moment. */
    public record Conn(String tuple, int localPort, int remotePort, TcpState state) {
        @Override
        public String toString() {
            return tuple + " " + state;
        }
    }

    /** The stack's connections now (read on the stack's thread). */
    public static List<Conn> stackConnections(StackEnd peer) {
        return peer.loop().call(() -> {
            List<Conn> out = new ArrayList<>();
            for (TcpConnection c : peer.loop().stack().tcp().connections()) {
                out.add(new Conn(c.tuple(), c.localPort(), c.remotePort(), c.state()));
            }
            return out;
        });
    }

    /** The stack's connections whose local port is {@code port}. */
    public static List<Conn> stackConnectionsOnLocalPort(StackEnd peer, int port) {
        return stackConnections(peer).stream().filter(c -> c.localPort() == port).toList();
    }

    /** The stack's connections whose remote port is {@code port}. */
    public static List<Conn> stackConnectionsToRemotePort(StackEnd peer, int port) {
        return stackConnections(peer).stream().filter(c -> c.remotePort() == port).toList();
    }

    /** The kernel's TCP sockets in the namespace, one {@code ss -Htan} line each (state first). */
    static List<String> kernelSockets(KernelPeer peer) {
        return peer.inNs("ss", "-Htan").lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList();
    }

    /** The kernel's sockets whose line matches {@code filter}, e.g. a state and a port. */
    static List<String> kernelSockets(KernelPeer peer, Predicate<String> filter) {
        return kernelSockets(peer).stream().filter(filter).toList();
    }

    /** A filter for ss lines: state {@code state} (as ss prints it) and {@code ":port"} among the addresses. */
    static Predicate<String> ssLine(String state, int port) {
        return l -> l.startsWith(state + " ") && l.matches(".*:" + port + "( .*|$)");
    }

    /**
     * Waits until {@code condition} holds, at most {@code timeout}, re-checking whenever the stack signals a
     * change (and at least every 20 ms, for conditions on the kernel's side); fails with {@code context}.
     */
    public static void await(StackEnd peer, String what, Duration timeout, BooleanSupplier condition,
            Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = peer.loop().readinessVersion();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + "\n" + context.get());
            }
            peer.loop().awaitReadiness(seen, 20_000_000L);
        }
    }

    /** Waits until the kernel has a socket listening on TCP {@code port}. */
    static void awaitKernelListener(KernelPeer peer, int port) {
        await(peer, "a kernel socket listening on TCP port " + port, SOON,
                () -> !peer.inNs("ss", "-Htln", "sport", "=", ":" + port).isBlank(),
                () -> String.join("\n", kernelSockets(peer)));
    }

    /** Everything worth printing when an assertion fails: both sides' sockets, counters, the capture. */
    static String context(KernelPeer peer) {
        String kernel;
        try {
            kernel = String.join("\n  ", kernelSockets(peer));
        } catch (RuntimeException e) {
            kernel = "(ss failed: " + e.getMessage() + ")";
        }
        List<Conn> stack;
        try {
            stack = stackConnections(peer);
        } catch (RuntimeException e) {
            stack = List.of();
        }
        return "\n--- stack connections:\n  " + stack.stream().map(Conn::toString).collect(Collectors.joining("\n  "))
                + "\n--- kernel sockets (ss -tan):\n  " + kernel
                + "\n--- stack counters:\n" + peer.countersText() + "\n" + peer;
    }

    /** Records the stack's state transitions and retransmissions, from now until {@link #close()}. */
    public static final class Trace implements AutoCloseable {
        private final StackEnd peer;
        private final List<TcpTraceEvent> events = new CopyOnWriteArrayList<>();
        private final TcpTraceListener listener = events::add;

        public Trace(StackEnd peer) {
            this.peer = peer;
            peer.loop().call(() -> {
                peer.loop().stack().tcp().addTraceListener(listener);
                return null;
            });
        }

        /** The states the connections matching {@code tuplePart} went through, in order, from the first. */
        public List<TcpState> states(Predicate<String> tuple) {
            List<TcpState> out = new ArrayList<>();
            for (TcpTraceEvent e : events) {
                if (tuple.test(e.connection()) && e.from() != e.to()) {
                    if (out.isEmpty()) {
                        out.add(e.from());
                    }
                    out.add(e.to());
                }
            }
            return out;
        }

        /** The states of the connection whose local port is {@code port} (one connection on that port). */
        public List<TcpState> statesOfLocalPort(int port) {
            return states(t -> t.contains(":" + port + ">"));
        }

        /** The states of the connection whose remote port is {@code port}. */
        public List<TcpState> statesOfRemotePort(int port) {
            return states(t -> t.endsWith(":" + port));
        }

        /** Every event, one per line, for assertion messages. */
        public String text() {
            return events.stream().map(TcpTraceEvent::toJson).collect(Collectors.joining("\n"));
        }

        @Override
        public void close() {
            try {
                peer.loop().call(() -> {
                    peer.loop().stack().tcp().removeTraceListener(listener);
                    return null;
                });
            } catch (RuntimeException e) {
                // the loop is already gone
            }
        }
    }

    // ------------------------------------------------------------------ stack sockets, with deadlines

    /*
     * A blocked BsdSockets call does not return on interrupt, so a JUnit timeout could not end a hung test:
     * every wait below is a poll(2) with what is left of a deadline, and the test fails when it runs out.
     */

    /** A stack socket listening on {@code port}. */
    public static int listen(StackEnd peer, int port) {
        BsdSockets sockets = peer.sockets();
        int fd = sockets.socket(AF_INET, SOCK_STREAM, 0);
        sockets.bind(fd, new SockAddrIn(Ipv4Address.ANY, port));
        sockets.listen(fd, 16);
        return fd;
    }

    /** Accepts one connection on {@code listenFd} within {@code timeout}. */
    public static int accept(StackEnd peer, int listenFd, Duration timeout) {
        awaitPoll(peer, listenFd, POLLIN, System.nanoTime() + timeout.toNanos(), "an incoming connection");
        return peer.sockets().accept(listenFd).fd();
    }

    /** Reads until end of stream; fails if it does not come within {@code timeout}. */
    public static byte[] readToEnd(StackEnd peer, int fd, Duration timeout) {
        return read(peer, fd, Integer.MAX_VALUE, timeout);
    }

    /** Reads exactly {@code n} bytes (fewer only at end of stream) within {@code timeout}. */
    public static byte[] read(StackEnd peer, int fd, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (all.size() < n) {
            awaitPoll(peer, fd, POLLIN, deadline, "data or end of stream after " + all.size() + " bytes");
            int got = peer.sockets().recv(fd, buf, 0, Math.min(buf.length, n - all.size()), MSG_DONTWAIT);
            if (got == 0) {
                break;
            }
            all.write(buf, 0, got);
        }
        return all.toByteArray();
    }

    /** Writes all of {@code data} within {@code timeout}. */
    public static void writeAll(StackEnd peer, int fd, byte[] data, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int off = 0;
        while (off < data.length) {
            awaitPoll(peer, fd, POLLOUT, deadline, "room to send after " + off + " bytes");
            off += peer.sockets().send(fd, data, off, data.length - off, MSG_DONTWAIT);
        }
    }

    private static void awaitPoll(StackEnd peer, int fd, int events, long deadline, String what) {
        PollFd[] entry = {new PollFd(fd, events)};
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + " on fd " + fd + peer.context());
            }
            if (peer.sockets().poll(entry, (int) Math.max(1, Math.min(left / 1_000_000, Integer.MAX_VALUE))) > 0) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ data

    /** {@code n} reproducible random bytes. */
    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A directory of its own for the running test's input and output files, under target/interop-inputs. */
    public static Path workDir(TestInfo info) {
        Path dir = KernelPeer.PCAP_DIR.resolveSibling("interop-inputs")
                .resolve(KernelPeer.captureName(info).replace(".pcap", ""));
        try {
            Files.createDirectories(dir);
            try (var old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public static Path write(Path file, byte[] data) {
        try {
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lower-case hex SHA-256. */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where two arrays first differ, and their lengths, for assertion messages; "" when equal. */
    public static String difference(byte[] expected, byte[] actual) {
        int at = java.util.Arrays.mismatch(expected, actual);
        if (at < 0) {
            return "";
        }
        return "expected " + expected.length + " bytes, got " + actual.length + "; first difference at byte " + at
                + (at < Math.min(expected.length, actual.length)
                        ? " (expected " + (expected[at] & 0xFF) + ", got " + (actual[at] & 0xFF) + ")" : "");
    }

    /** SHA-256 of the HTTP service's {@code /bytes/n} body: byte i is {@code i mod 251}. */
    public static String httpPatternSha256(long n) {
        MessageDigest md = digest();
        byte[] period = new byte[251 * 256]; // a whole number of periods, so every chunk starts at i mod 251 = 0
        for (int i = 0; i < period.length; i++) {
            period[i] = (byte) (i % 251);
        }
        long left = n;
        while (left > 0) {
            int chunk = (int) Math.min(left, period.length);
            md.update(period, 0, chunk);
            left -= chunk;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The first {@code n} bytes of chargen (RFC 864): lines of 72 printable characters (32..126), line k
     * starting with character {@code 32 + k mod 95}, each ended by CR LF.
     */
    static byte[] chargenPattern(int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            int line = (k / 74) % 95;
            int col = k % 74;
            b[k] = (byte) (col < 72 ? 32 + (line + col) % 95 : col == 72 ? '\r' : '\n');
        }
        return b;
    }
}
