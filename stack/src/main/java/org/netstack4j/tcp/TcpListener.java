package org.netstack4j.tcp;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A listening socket (RFC 9293 LISTEN) with Linux's two bounded queues: half-open connections in
 * SYN-RECEIVED, and established connections waiting for accept(). When the half-open queue is full a new SYN
 * is dropped (ListenDrops); when the accept queue is full a new SYN is dropped and the final ACK of a
 * handshake is ignored, so the peer retransmits (ListenOverflows) — the choices Linux makes without SYN cookies.
 */
public final class TcpListener {
    final int localIp;
    final int localPort;
    int backlog;
    final int maxHalfOpen;
    final Set<TcpConnection> halfOpen = new LinkedHashSet<>();
    final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();
    boolean closed;
    /** Options inherited by accepted connections. */
    int receiveBuffer;
    int sendBuffer;
    boolean noDelay;
    boolean keepAlive;

    TcpListener(int localIp, int localPort, int backlog, int maxHalfOpen) {
        this.localIp = localIp;
        this.localPort = localPort;
        this.backlog = backlog;
        this.maxHalfOpen = maxHalfOpen;
    }

    /** Linux lets the accept queue hold backlog + 1 connections. */
    boolean hasRoomToAccept() {
        return acceptQueue.size() <= backlog;
    }

    boolean hasRoomForSyn() {
        return halfOpen.size() < maxHalfOpen;
    }

    void established(TcpConnection c) {
        halfOpen.remove(c);
        acceptQueue.add(c);
        c.parent = null;
    }

    /** The next established connection, or null. */
    TcpConnection poll() {
        return acceptQueue.poll();
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Connections waiting for accept(). */
    public int acceptQueueLength() {
        return acceptQueue.size();
    }

    /** Half-open connections. */
    public int halfOpenCount() {
        return halfOpen.size();
    }

    /** The local port. */
    public int localPort() {
        return localPort;
    }

    /** The local address (0 for any). */
    public int localIp() {
        return localIp;
    }

    /** The backlog given to listen(). */
    public int backlog() {
        return backlog;
    }
}
