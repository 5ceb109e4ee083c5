package org.netstack4j.udp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.netstack4j.ipv4.Ipv4Layer;
import org.netstack4j.socket.Errno;
import org.netstack4j.stack.BufferFootprint;
import org.netstack4j.stack.EphemeralPorts;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stats.Counter;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.UdpDatagram;
import org.netstack4j.wire.UdpHeader;
import org.netstack4j.wire.WireError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP (RFC 768, RFC 1122 section 4.1): checks length and pseudo-header checksum, demultiplexes to the best
 * matching socket — a connected socket's exact four-tuple first, then a socket bound to the port — and
 * answers datagrams for closed ports with ICMP port unreachable. Sends from sockets, choosing ephemeral
 * ports per RFC 6056.
 */
public final class UdpLayer {
    private static final Logger LOG = LoggerFactory.getLogger(UdpLayer.class);
    /** The largest payload an IPv4 datagram can carry: 65535 - 20 (IPv4) - 8 (UDP). */
    public static final int MAX_PAYLOAD = 65_507;

    private final NetStack stack;
    private final UdpDatagram rx = new UdpDatagram();
    private final Map<Integer, List<UdpEndpoint>> byPort = new HashMap<>();
    private final List<UdpEndpoint> open = new ArrayList<>();
    private final EphemeralPorts ephemeral;

    /** The UDP layer of {@code stack}. */
    public UdpLayer(NetStack stack) {
        this.stack = stack;
        this.ephemeral = new EphemeralPorts(stack.config().ephemeralPortLow(), stack.config().ephemeralPortHigh(),
                stack.random().nextLong());
    }

    /**
     * Handles the UDP datagram carried by the checked packet {@code ip}; its checksum is verified unless the
     * device already vouched for it ({@code checksumVerified}).
     */
    public void receive(ByteBuf buf, Ipv4Packet ip, boolean broadcast, boolean checksumVerified) {
        UdpDatagram udp = rx.wrap(buf, ip.payloadOffset(), ip.payloadLength());
        WireError err = udp.check();
        if (err != null) {
            stack.counters().inc(Counter.UDP_IN_ERRORS);
            return;
        }
        if (!checksumVerified && !udp.checksumValid(ip.source(), ip.destination())) {
            stack.counters().inc(Counter.UDP_IN_CSUM_ERRORS);
            stack.counters().inc(Counter.UDP_IN_ERRORS);
            return;
        }
        UdpEndpoint ep = lookup(ip.destination(), udp.destinationPort(), ip.source(), udp.sourcePort());
        if (ep == null) {
            stack.counters().inc(Counter.UDP_NO_PORTS);
            if (!broadcast) {
                stack.icmp().sendPortUnreachable(buf, ip);
            }
            return;
        }
        if (ep.handler != null) {
            stack.counters().inc(Counter.UDP_IN_DATAGRAMS);
            handOver(ep, ip.source(), udp.sourcePort(), buf.slice(udp.payloadOffset(), udp.payloadLength()),
                    broadcast);
            return;
        }
        // Like Linux: a datagram is refused once the memory queued has reached SO_RCVBUF, so one may overshoot it.
        if (ep.queuedMemory >= ep.receiveBuffer) {
            ep.drops++;
            stack.counters().inc(Counter.UDP_RCVBUF_ERRORS);
            stack.counters().inc(Counter.UDP_IN_ERRORS);
            return;
        }
        int len = udp.payloadLength();
        // The payload stays in the received buffer: a slice, not a copy (the frame is retained for it).
        ByteBuf payload = buf.retainedSlice(udp.payloadOffset(), len);
        ep.queue.add(new Datagram(ip.source(), udp.sourcePort(), payload));
        ep.queuedBytes += len;
        ep.queuedMemory += BufferFootprint.of(payload);
        stack.counters().inc(Counter.UDP_IN_DATAGRAMS);
        stack.signalReadiness();
        if (ep.readinessSignal != null) {
            ep.readinessSignal.signal();
        }
    }

    private UdpEndpoint lookup(int dstIp, int dstPort, int srcIp, int srcPort) {
        List<UdpEndpoint> list = byPort.get(dstPort);
        if (list == null) {
            return null;
        }
        UdpEndpoint best = null;
        int bestScore = -1;
        for (UdpEndpoint ep : list) {
            if (ep.localIp != 0 && ep.localIp != dstIp) {
                continue;
            }
            if (ep.connected && (ep.remoteIp != srcIp || ep.remotePort != srcPort)) {
                continue;
            }
            // A connected socket beats a bound one; a specific local address beats the wildcard; among
            // equals the most recently bound wins (SO_REUSEADDR sharing), as in Linux's compute_score.
            int score = (ep.connected ? 4 : 0) + (ep.localIp != 0 ? 2 : 0);
            if (score >= bestScore) {
                best = ep;
                bestScore = score;
            }
        }
        return best;
    }

    /** A new, unbound socket with the default buffer sizes. */
    public UdpEndpoint open() {
        UdpEndpoint ep = new UdpEndpoint(stack.config().udpDefaultReceiveBuffer(),
                stack.config().udpDefaultSendBuffer());
        open.add(ep);
        return ep;
    }

    /** Binds to {@code ip:port} (0 for any / an ephemeral port); null on success. */
    public Errno bind(UdpEndpoint ep, int ip, int port) {
        if (ep.localPort != 0) {
            return Errno.EINVAL;
        }
        if (ip != 0 && ip != stack.ipv4().address()) {
            return Errno.EADDRNOTAVAIL;
        }
        if (port == 0) {
            port = ephemeral.choose(ip, 0, 0, p -> conflicts(ep, ip, p));
            if (port < 0) {
                return Errno.EADDRINUSE;
            }
        } else if (conflicts(ep, ip, port)) {
            return Errno.EADDRINUSE;
        }
        ep.localIp = ip;
        ep.localPort = port;
        byPort.computeIfAbsent(port, k -> new ArrayList<>(1)).add(ep);
        return null;
    }

    private boolean conflicts(UdpEndpoint ep, int ip, int port) {
        List<UdpEndpoint> list = byPort.get(port);
        if (list == null) {
            return false;
        }
        for (UdpEndpoint other : list) {
            boolean sameAddress = other.localIp == 0 || ip == 0 || other.localIp == ip;
            if (sameAddress && !(other.reuseAddress && ep.reuseAddress)) {
                return true;
            }
        }
        return false;
    }

    /** Connects to {@code ip:port}, binding an ephemeral port first if needed; null on success. */
    public Errno connect(UdpEndpoint ep, int ip, int port) {
        if (port == 0) {
            return Errno.EINVAL;
        }
        if (!stack.ipv4().hasRoute(ip)) {
            return Errno.ENETUNREACH;
        }
        if (stack.ipv4().isBroadcast(ip) && !ep.broadcast) {
            return Errno.EACCES;
        }
        if (ep.localPort == 0) {
            Errno e = bind(ep, 0, 0);
            if (e != null) {
                return e;
            }
        }
        ep.remoteIp = ip;
        ep.remotePort = port;
        ep.connected = true;
        return null;
    }

    /** Dissolves the association (connect with AF_UNSPEC). */
    public void disconnect(UdpEndpoint ep) {
        ep.remoteIp = 0;
        ep.remotePort = 0;
        ep.connected = false;
    }

    /**
     * Sends the readable bytes of {@code payload} (not consumed, not released) to {@code ip:port}, or to the
     * connected peer when {@code port} is 0; null on success.
     */
    public Errno send(UdpEndpoint ep, int ip, int port, ByteBuf payload) {
        if (port == 0) {
            if (!ep.connected) {
                return Errno.EDESTADDRREQ;
            }
            ip = ep.remoteIp;
            port = ep.remotePort;
        }
        Errno pending = ep.takeError();
        if (pending != null) {
            return pending;
        }
        int len = payload.readableBytes();
        if (len > MAX_PAYLOAD || len > ep.sendBuffer) {
            return Errno.EMSGSIZE;
        }
        if (stack.ipv4().isBroadcast(ip) && !ep.broadcast) {
            return Errno.EACCES;
        }
        if (ep.localPort == 0) {
            Errno e = bind(ep, 0, 0);
            if (e != null) {
                return e;
            }
        }
        ByteBuf f = stack.ipv4().allocate(UdpDatagram.HEADER_LENGTH + len);
        f.setBytes(Ipv4Layer.TRANSPORT_OFFSET + UdpDatagram.HEADER_LENGTH, payload, payload.readerIndex(), len);
        new UdpHeader(ep.localPort, port, UdpDatagram.HEADER_LENGTH + len)
                .emit(f, Ipv4Layer.TRANSPORT_OFFSET, stack.ipv4().address(), ip);
        stack.counters().inc(Counter.UDP_OUT_DATAGRAMS);
        return stack.ipv4().output(f, ip, Ipv4Packet.PROTO_UDP, 0, false);
    }

    /** The next datagram, removed from the queue unless {@code peek}; null when none waits. Caller releases. */
    public Datagram receive(UdpEndpoint ep, boolean peek) {
        Datagram d = peek ? ep.queue.peek() : ep.queue.poll();
        if (d == null) {
            return null;
        }
        if (peek) {
            return new Datagram(d.sourceIp(), d.sourcePort(), d.payload().retainedSlice());
        }
        ep.queuedBytes -= d.payload().readableBytes();
        ep.queuedMemory -= BufferFootprint.of(d.payload());
        return d;
    }

    /** Delivers an ICMP error about a datagram we sent from {@code localPort} to {@code ip:port}. */
    public void icmpError(int localPort, int remoteIp, int remotePort, Errno errno) {
        List<UdpEndpoint> list = byPort.get(localPort);
        if (list == null) {
            return;
        }
        for (UdpEndpoint ep : list) {
            // Linux reports asynchronous errors only on connected sockets (without IP_RECVERR), RFC 1122 4.1.3.3.
            if (ep.connected && ep.remoteIp == remoteIp && ep.remotePort == remotePort) {
                ep.pendingError = errno;
                stack.signalReadiness();
                if (ep.readinessSignal != null) {
                    ep.readinessSignal.signal();
                }
            }
        }
    }

    /**
     * From now on hands each datagram arriving for {@code ep} to {@code handler} on this (the stack's) thread
     * instead of queueing it; datagrams already queued go to it first, in order. A null handler queues again.
     */
    public void serve(UdpEndpoint ep, DatagramHandler handler) {
        ep.handler = handler;
        Datagram d;
        while (ep.handler != null && (d = receive(ep, false)) != null) {
            try {
                // Whether a queued datagram was a broadcast is not kept; it was accepted like any other.
                handOver(ep, d.sourceIp(), d.sourcePort(), d.payload(), false);
            } finally {
                d.payload().release();
            }
        }
    }

    /** Gives one datagram to the endpoint's handler; a handler that throws is logged and taken off. */
    private void handOver(UdpEndpoint ep, int sourceIp, int sourcePort, ByteBuf payload, boolean broadcast) {
        DatagramHandler h = ep.handler;
        try {
            h.onDatagram(ep, sourceIp, sourcePort, payload, broadcast);
        } catch (RuntimeException e) {
            LOG.warn("datagram handler of port {} threw; it is taken off the socket", ep.localPort, e);
            if (ep.handler == h) {
                ep.handler = null;
            }
        }
    }

    /** Closes the socket and releases its queue. */
    public void close(UdpEndpoint ep) {
        if (ep.closed) {
            return;
        }
        ep.closed = true;
        ep.handler = null;
        if (ep.localPort != 0) {
            List<UdpEndpoint> list = byPort.get(ep.localPort);
            list.remove(ep);
            if (list.isEmpty()) {
                byPort.remove(ep.localPort);
            }
        }
        Datagram d;
        while ((d = ep.queue.poll()) != null) {
            d.payload().release();
        }
        ep.queuedBytes = 0;
        ep.queuedMemory = 0;
        open.remove(ep);
    }

    /** Every open socket, for the socket table. */
    public List<UdpEndpoint> endpoints() {
        return List.copyOf(open);
    }

    /** Closes every socket. */
    public void closeAll() {
        for (UdpEndpoint ep : List.copyOf(open)) {
            close(ep);
        }
    }
}
