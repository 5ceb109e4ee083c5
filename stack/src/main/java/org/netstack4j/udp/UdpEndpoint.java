package org.netstack4j.udp;

import java.util.ArrayDeque;
import org.netstack4j.socket.Errno;

/**
 * The protocol state of one UDP socket: its addresses, its receive queue bounded in bytes, a pending
 * asynchronous error, and its options. Owned by the event-loop thread; the socket facade reaches it only
 * through the loop.
 */
public final class UdpEndpoint {
    int localIp;
    int localPort;
    int remoteIp;
    int remotePort;
    boolean connected;
    boolean closed;
    boolean reuseAddress;
    boolean broadcast;
    int receiveBuffer;
    int sendBuffer;
    final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    int queuedBytes;
    /**
     * Memory the queued datagrams keep alive ({@link org.netstack4j.stack.BufferFootprint}): what SO_RCVBUF
     * bounds, as Linux bounds sk_rmem_alloc (truesize), so tiny datagrams cannot pin a frame buffer each without
     * limit.
     */
    long queuedMemory;
    long drops;
    Errno pendingError;
    /** Takes each arriving datagram on the stack's thread instead of the queue; null for none. */
    DatagramHandler handler;
    /** Signalled whenever a datagram or an error arrives; null for none. */
    org.netstack4j.stack.ReadinessSignal readinessSignal;

    UdpEndpoint(int receiveBuffer, int sendBuffer) {
        this.receiveBuffer = receiveBuffer;
        this.sendBuffer = sendBuffer;
    }

    /**
     * Who is told, on the stack's thread, whenever this socket may have changed readiness: the threads
     * blocked on it wait on that signal. Null for none.
     */
    public void setReadinessSignal(org.netstack4j.stack.ReadinessSignal signal) {
        readinessSignal = signal;
    }

    /** The bound local address (0 for any). */
    public int localIp() {
        return localIp;
    }

    /** The bound local port, 0 while unbound. */
    public int localPort() {
        return localPort;
    }

    /** The connected peer's address, 0 unless connected. */
    public int remoteIp() {
        return remoteIp;
    }

    /** The connected peer's port, 0 unless connected. */
    public int remotePort() {
        return remotePort;
    }

    /** True once closed. */
    public boolean closed() {
        return closed;
    }

    /** True after connect(). */
    public boolean connected() {
        return connected;
    }

    /** True once a datagram or an error waits. */
    public boolean readable() {
        return !queue.isEmpty() || pendingError != null;
    }

    /** Bytes of payload waiting. */
    public int queuedBytes() {
        return queuedBytes;
    }

    /** Datagrams waiting. */
    public int queuedDatagrams() {
        return queue.size();
    }

    /** Datagrams dropped because the receive queue was full. */
    public long drops() {
        return drops;
    }

    /** The pending error, if any, without clearing it. */
    public Errno pendingError() {
        return pendingError;
    }

    /** Returns and clears the pending error (SO_ERROR, or the next call's failure). */
    public Errno takeError() {
        Errno e = pendingError;
        pendingError = null;
        return e;
    }

    /** SO_REUSEADDR. */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** Sets SO_REUSEADDR. */
    public void setReuseAddress(boolean on) {
        reuseAddress = on;
    }

    /** SO_BROADCAST. */
    public boolean broadcast() {
        return broadcast;
    }

    /** Sets SO_BROADCAST. */
    public void setBroadcast(boolean on) {
        broadcast = on;
    }

    /** SO_RCVBUF in bytes. */
    public int receiveBuffer() {
        return receiveBuffer;
    }

    /** Sets SO_RCVBUF. */
    public void setReceiveBuffer(int bytes) {
        receiveBuffer = bytes;
    }

    /** SO_SNDBUF in bytes. */
    public int sendBuffer() {
        return sendBuffer;
    }

    /** Sets SO_SNDBUF. */
    public void setSendBuffer(int bytes) {
        sendBuffer = bytes;
    }
}
