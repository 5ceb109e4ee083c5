package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_NONBLOCK;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpSegment;

/**
 * The test's side of one TCP connection with a {@link OneStack}, packetdrill style: the test sends crafted
 * segments with sequence numbers relative to the peer's ISS and acknowledgment numbers relative to the stack's
 * ISS (learnt from the stack's SYN or SYN-ACK), and takes what the stack emits, parsed, with the same
 * relative numbering. Time is virtual and moves only through {@link #run} and the waiting helpers.
 *
 * <p>Every transition the stack reports goes into the {@link TransitionCoverage} given; {@link #close} checks
 * that the stack never caught an internal exception ({@code Link InInternalErrors} stays 0).
 */
final class TcpPeer implements AutoCloseable {
    static final int PEER_PORT = 40_000;
    static final int PORT = 80;
    /** The peer's ISS: near the top of the sequence space, so relative arithmetic wraps in every test. */
    static final long PEER_ISS = 0xFFFF_FF00L;
    static final int PEER_MSS = 1460;
    private static final long MASK = 0xFFFF_FFFFL;

    final OneStack net;
    final TcpProfile profile;
    final BsdSockets api;
    private final TcpTraceListener listener;
    final List<TcpTraceEvent> trace = new ArrayList<>();
    int peerPort = PEER_PORT;
    int port = PORT;
    /** The stack's ISS (unsigned), -1 until its SYN or SYN-ACK was seen. */
    long iss = -1;
    /** Window the peer advertises when a helper does not say. */
    int window = 65_535;
    /** Descriptors the helpers opened; close() closes those still open, so that no buffer leaks. */
    private final List<Integer> fds = new ArrayList<>();

    /** One segment the stack emitted. */
    record Seg(long at, TcpHeader h, long seq, long ack, byte[] payload) {
        int flags() {
            return h.flags();
        }

        int window() {
            return h.window();
        }

        /** The MSS option, or -1. */
        int mss() {
            for (TcpOption o : h.options()) {
                if (o instanceof TcpOption.Mss m) {
                    return m.mss();
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "[t=" + at / 1e9 + "s " + flagString(flags()) + " seq " + seq + " ack " + ack + " win " + window()
                    + " len " + payload.length + (mss() >= 0 ? " mss " + mss() : "") + "]";
        }
    }

    TcpPeer(TransitionCoverage coverage) {
        this(coverage, TcpProfile.LINUX);
    }

    TcpPeer(TransitionCoverage coverage, TcpProfile profile) {
        this.profile = profile;
        net = new OneStack(b -> b.tcpProfile(profile).arp(Duration.ofDays(3650), Duration.ofSeconds(1), 3));
        net.learnPeer();
        api = net.sockets;
        listener = e -> {
            trace.add(e);
            coverage.record(e);
        };
        net.stack.tcp().addTraceListener(listener);
    }

    // ---------------------------------------------------------------- time

    long now() {
        return net.sim.clock().nanos();
    }

    void run(Duration d) {
        net.sim.runFor(d);
    }

    void runMillis(long ms) {
        run(Duration.ofMillis(ms));
    }

    /** Runs until absolute virtual time {@code t} (ns). */
    void runTo(long t) {
        assertTrue(t >= now(), "time goes forward");
        net.sim.runUntil(() -> false, t);
    }

    // ---------------------------------------------------------------- sending

    /** Sends {@code flags} with relative seq (peer) and ack (stack), the default window, no options. */
    void send(int flags, long seq, long ack) {
        send(flags, seq, ack, window, List.of(), new byte[0]);
    }

    void send(int flags, long seq, long ack, byte[] data) {
        send(flags, seq, ack, window, List.of(), data);
    }

    void send(int flags, long seq, long ack, int win) {
        send(flags, seq, ack, win, List.of(), new byte[0]);
    }

    void send(int flags, long seq, long ack, int win, List<TcpOption> options, byte[] data) {
        long absAck = (flags & ACK) != 0 ? (iss + ack) & MASK : ack & MASK;
        TcpHeader h = new TcpHeader(peerPort, port, (PEER_ISS + seq) & MASK, absAck, flags, win, 0, options);
        injectTcp(tcpBytes(h, data));
    }

    /** The TCP bytes (header with a correct checksum, then data). */
    static byte[] tcpBytes(TcpHeader h, byte[] data) {
        ByteBuf b = Unpooled.buffer(h.headerLength() + data.length);
        b.setBytes(h.headerLength(), data);
        h.emit(b, 0, data.length, OneStack.PEER.bits(), OneStack.US.bits());
        b.writerIndex(h.headerLength() + data.length);
        return Frames.drain(b);
    }

    /** Hands raw TCP bytes to the stack in an IPv4 packet from the peer. */
    void injectTcp(byte[] tcp) {
        Ipv4Header ip = Ipv4Header.of(Ipv4Packet.PROTO_TCP, OneStack.PEER, OneStack.US, tcp.length, 64, 1);
        net.inject(Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC, ip, tcp));
    }

    // ---------------------------------------------------------------- receiving

    /** The next segment the stack emitted by now; fails if there is none. */
    Seg expect() {
        run(Duration.ZERO);
        ByteBuf f = net.wire.take();
        if (f == null) {
            fail("expected a segment from the stack at t=" + now() / 1e9 + "s; trace " + trace);
        }
        return parse(f);
    }

    /** The next segment, which must have exactly {@code flags} and the relative seq and ack given. */
    Seg expect(int flags, long seq, long ack) {
        Seg s = expect();
        assertEquals(flagString(flags), flagString(s.flags()), "flags of " + s);
        assertEquals(seq, s.seq, "relative seq of " + s);
        if ((flags & ACK) != 0) {
            assertEquals(ack, s.ack, "relative ack of " + s);
        }
        return s;
    }

    /** Runs until the stack emits a segment (at most {@code max}) and returns it. */
    Seg await(Duration max) {
        boolean got = net.sim.runUntil(() -> net.wire.pending() > 0, max);
        if (!got) {
            fail("no segment from the stack within " + max + " (t=" + now() / 1e9 + "s); state " + state());
        }
        return expect();
    }

    /** Like {@link #await} and then checks flags, seq and ack. */
    Seg await(Duration max, int flags, long seq, long ack) {
        boolean got = net.sim.runUntil(() -> net.wire.pending() > 0, max);
        if (!got) {
            fail("no segment from the stack within " + max + " (t=" + now() / 1e9 + "s); state " + state());
        }
        return expect(flags, seq, ack);
    }

    /** Asserts the stack has emitted nothing by now. */
    void expectNothing() {
        run(Duration.ZERO);
        if (net.wire.pending() > 0) {
            fail("expected nothing, got " + parse(net.wire.take()));
        }
    }

    /** Runs {@code d} and asserts the stack emitted nothing during it. */
    void expectNothingFor(Duration d) {
        boolean got = net.sim.runUntil(() -> net.wire.pending() > 0, d);
        if (got) {
            fail("expected nothing for " + d + ", got " + parse(net.wire.take()));
        }
    }

    /** Parses (and releases) a frame the stack sent: it must be an IPv4/TCP frame to the peer with a valid checksum. */
    Seg parse(ByteBuf f) {
        try {
            assertEquals(EthernetFrame.TYPE_IPV4, f.getUnsignedShort(12), "an IPv4 frame");
            Ipv4Packet ip = new Ipv4Packet().wrap(f, EthernetFrame.HEADER_LENGTH,
                    f.readableBytes() - EthernetFrame.HEADER_LENGTH);
            assertEquals(Ipv4Packet.PROTO_TCP, ip.protocol(), "a TCP packet");
            assertEquals(OneStack.PEER.bits(), ip.destination(), "to the peer");
            TcpSegment seg = new TcpSegment().wrap(f, ip.payloadOffset(), ip.payloadLength());
            assertTrue(seg.checksumValid(ip.source(), ip.destination()), "TCP checksum of an emitted segment");
            TcpHeader h = TcpHeader.parse(seg);
            byte[] payload = new byte[seg.payloadLength()];
            f.getBytes(seg.payloadOffset(), payload);
            if (h.has(SYN) && iss < 0) {
                iss = h.sequenceNumber();
            }
            long base = iss < 0 ? 0 : iss;
            long seq = (h.sequenceNumber() - base) & MASK;
            long ack = (h.acknowledgmentNumber() - PEER_ISS) & MASK;
            return new Seg(now(), h, seq, ack, payload);
        } finally {
            f.release();
        }
    }

    // ---------------------------------------------------------------- opens

    /** A non-blocking listening socket on {@link #port}. */
    int listen() {
        int l = api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        api.bind(l, new SockAddrIn(OneStack.US, port));
        api.listen(l, 8);
        fds.add(l);
        return l;
    }

    /** Passive open on the listener {@code l}: SYN, SYN-ACK (checked), ACK, accept. Returns the accepted fd. */
    int passiveOpen(int l) {
        send(SYN, 0, 0, window, List.of(new TcpOption.Mss(PEER_MSS)), new byte[0]);
        Seg synAck = expect(SYN | ACK, 0, 1);
        assertEquals(List.of(new TcpOption.Mss(1460)), synAck.h.options(),
                "our MSS (MTU 1500 - 40) and nothing the peer's SYN did not offer");
        send(ACK, 1, 1);
        expectNothing();
        assertEquals(TcpState.ESTABLISHED, state());
        return accept(l);
    }

    /** accept() on {@code l}; the descriptor is closed by {@link #close} if the test does not. */
    int accept(int l) {
        int fd = api.accept(l).fd();
        fds.add(fd);
        return fd;
    }

    /** A non-blocking connect to the peer: returns the fd; the SYN is waiting to be taken. */
    int connect() {
        int fd = api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        fds.add(fd);
        try {
            api.connect(fd, new SockAddrIn(OneStack.PEER, peerPort));
            fail("non-blocking connect completes at once");
        } catch (ErrnoException e) {
            assertEquals(Errno.EINPROGRESS, e.errno());
        }
        port = conn().localPort();
        return fd;
    }

    /** Active open: SYN (checked), SYN-ACK, ACK (checked). Returns the connected fd. */
    int activeOpen() {
        int fd = connect();
        Seg syn = expect(SYN, 0, 0);
        // Linux chooses the shift for its 6 MiB tcp_rmem[2]; the rfc profile for the 128 KiB socket buffer.
        assertLinuxSynOptions(syn, profile.isLinux() ? 7 : 2);
        send(SYN | ACK, 0, 1, window, List.of(new TcpOption.Mss(PEER_MSS)), new byte[0]);
        expect(ACK, 1, 1);
        assertEquals(TcpState.ESTABLISHED, state());
        api.connect(fd, new SockAddrIn(OneStack.PEER, peerPort)); // completes the non-blocking connect
        return fd;
    }

    /** The TSval and TSecr of {@code s} as {@code long[2]}, or null without a timestamps option. */
    static long[] timestamps(Seg s) {
        for (TcpOption o : s.h.options()) {
            if (o instanceof TcpOption.Timestamps t) {
                return new long[] {t.value(), t.echoReply()};
            }
        }
        return null;
    }

    /** The window-scale shift of {@code s}, or -1. */
    static int wscale(Seg s) {
        for (TcpOption o : s.h.options()) {
            if (o instanceof TcpOption.WindowScale w) {
                return w.shift();
            }
        }
        return -1;
    }

    /** The SACK blocks of {@code s} as "left-right" in the peer's relative numbering; empty without SACK. */
    static List<String> sackBlocks(Seg s) {
        List<String> out = new ArrayList<>();
        for (TcpOption o : s.h.options()) {
            if (o instanceof TcpOption.Sack sack) {
                for (org.netstack4j.wire.SackBlock b : sack.blocks()) {
                    out.add(((b.left() - PEER_ISS) & MASK) + "-" + ((b.right() - PEER_ISS) & MASK));
                }
            }
        }
        return out;
    }

    /** Our SYN's options in Linux's layout: mss 1460, sackOK, TS val X ecr 0, nop, wscale {@code wscale}. */
    static void assertLinuxSynOptions(Seg syn, int wscale) {
        List<TcpOption> o = syn.h.options();
        assertEquals(5, o.size(), "mss,sackOK,TS,nop,wscale: " + o);
        assertEquals(new TcpOption.Mss(1460), o.get(0));
        assertEquals(TcpOption.SackPermitted.INSTANCE, o.get(1));
        TcpOption.Timestamps ts = assertInstanceOf(TcpOption.Timestamps.class, o.get(2));
        assertEquals(0, ts.echoReply(), "TSecr 0 in a SYN (RFC 7323 3.2)");
        assertEquals(TcpOption.Nop.INSTANCE, o.get(3));
        assertEquals(new TcpOption.WindowScale(wscale), o.get(4));
        assertEquals(40, syn.h.headerLength(), "20 bytes of options");
    }

    // ---------------------------------------------------------------- views

    /** The stack's only connection, or null. */
    TcpConnection conn() {
        List<TcpConnection> all = net.stack.tcp().connections();
        assertTrue(all.size() <= 1, "at most one connection: " + all);
        return all.isEmpty() ? null : all.get(0);
    }

    /** Its state; CLOSED when it is gone. */
    TcpState state() {
        TcpConnection c = conn();
        return c == null ? TcpState.CLOSED : c.state();
    }

    long counter(Counter c) {
        return net.stack.counters().get(c);
    }

    /** The transitions so far as "FROM>TO:CAUSE", retransmissions left out. */
    List<String> transitions() {
        return trace.stream().filter(e -> e.from() != e.to()).map(e -> e.from() + ">" + e.to() + ":" + e.cause())
                .toList();
    }

    static String flagString(int flags) {
        StringBuilder b = new StringBuilder();
        if ((flags & SYN) != 0) {
            b.append('S');
        }
        if ((flags & FIN) != 0) {
            b.append('F');
        }
        if ((flags & RST) != 0) {
            b.append('R');
        }
        if ((flags & PSH) != 0) {
            b.append('P');
        }
        if ((flags & ACK) != 0) {
            b.append('.');
        }
        if ((flags & ~(SYN | FIN | RST | PSH | ACK)) != 0) {
            b.append("+0x").append(Integer.toHexString(flags & ~(SYN | FIN | RST | PSH | ACK)));
        }
        return b.toString();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    @Override
    public void close() {
        try {
            assertEquals(0, counter(Counter.LINK_IN_ERRORS_CAUGHT), "internal exceptions caught by the stack");
        } finally {
            net.stack.tcp().removeTraceListener(listener);
            for (int fd : fds) {
                try {
                    api.close(fd);
                } catch (ErrnoException alreadyClosed) {
                    // the test closed it
                }
            }
            net.close();
        }
    }
}
