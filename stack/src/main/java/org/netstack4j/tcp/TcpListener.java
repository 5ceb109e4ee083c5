package org.netstack4j.tcp;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A listening socket (RFC 9293 LISTEN) with Linux's two bounded queues: half-open connections in
 * SYN-RECEIVED, and established connections waiting for accept(). Like Linux both are bounded by the backlog.
 * When the half-open queue is full a new SYN is answered with a SYN cookie ({@link SynCookies}, tcp_syncookies
 * 1 or 2) or dropped (0, TCPReqQFullDrop); when the accept queue is full a new SYN is dropped and the final ACK
 * of a handshake is ignored, so the peer retransmits (ListenOverflows).
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
    /** SO_RCVBUF / SO_SNDBUF were set on the listening socket: its connections' buffers are not autotuned. */
    boolean receiveBufferLocked;
    boolean sendBufferLocked;
    boolean noDelay;
    boolean keepAlive;
    /** Runs on the stack's thread when connections may be waiting to be accepted; null for none. */
    Runnable acceptHandler;
    /** Signalled whenever connections may be waiting for accept or the listener closed. */
    org.netstack4j.stack.ReadinessSignal readinessSignal;
    /** This listener waits in the layer's notification queue. */
    boolean notificationQueued;
    /** When this listener last sent a SYN cookie; only then are returning ACKs checked as cookies (Linux). */
    long lastCookieSent = Long.MIN_VALUE;

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

    /** Linux inet_csk_reqsk_queue_is_full: the half-open queue is full at the backlog (and tcp_max_syn_backlog). */
    boolean hasRoomForSyn() {
        return halfOpen.size() < Math.min(backlog, maxHalfOpen);
    }

    /** True if an ACK for nobody may carry one of our cookies: one was sent within a cookie's lifetime. */
    boolean cookiesRecentlySent(long now) {
        return lastCookieSent != Long.MIN_VALUE
                && now - lastCookieSent <= (SynCookies.MAX_AGE + 1) * SynCookies.PERIOD_NANOS;
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

    /**
     * Has {@code handler} run on the stack's thread after every batch of work that queued connections for
     * accept (or closed the listener); null takes it away. Call on the stack's thread.
     */
    public void setAcceptHandler(Runnable handler) {
        acceptHandler = handler;
    }

    /**
     * Who is told, on the stack's thread, whenever this socket may have changed readiness: the threads
     * blocked on it wait on that signal. Null for none.
     */
    public void setReadinessSignal(org.netstack4j.stack.ReadinessSignal signal) {
        readinessSignal = signal;
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

    /**
     * The listening socket's buffer sizes for the connections it accepts from now on; those the user set
     * ({@code receiveSet}, {@code sendSet}: SO_RCVBUF, SO_SNDBUF) are inherited untuned, as in Linux.
     */
    public void setBuffers(int receive, boolean receiveSet, int send, boolean sendSet) {
        receiveBuffer = receive;
        sendBuffer = send;
        receiveBufferLocked = receiveSet;
        sendBufferLocked = sendSet;
    }
}
