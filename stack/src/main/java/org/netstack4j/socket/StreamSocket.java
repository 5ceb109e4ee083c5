package org.netstack4j.socket;

import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpListener;

/**
 * What a SOCK_STREAM descriptor holds: the options set before connect/listen, the bound address, and then
 * either a connection or a listener. Touched only on the stack's thread.
 */
final class StreamSocket {
    int boundIp;
    int boundPort;
    boolean portReserved;
    TcpConnection conn;
    TcpListener listener;
    boolean reuseAddress;
    boolean noDelay;
    boolean keepAlive;
    boolean lingerOn;
    int lingerSeconds;
    int receiveBuffer;
    int sendBuffer;
    /** SO_RCVBUF / SO_SNDBUF were set by the user: the connection's buffer is then not autotuned. */
    boolean receiveBufferSet;
    boolean sendBufferSet;
    int maxSegment;
    int keepIdleSeconds = 7200;
    int keepIntervalSeconds = 75;
    int keepCount = 9;
    /** TCP_CONGESTION, or null for the profile's default. */
    org.netstack4j.tcp.cc.CongestionControlKind congestion;
    /** A non-blocking connect is in progress: the next connect or SO_ERROR reports its outcome. */
    boolean connecting;
    boolean shutRead;
    boolean shutWrite;
    /** Set while the connection is served on the stack's thread ({@link BsdSockets#serveOnStack}). */
    java.util.concurrent.CompletableFuture<Void> served;
    /** ECONNRESET has been reported once; afterwards writes fail with EPIPE and reads return 0. */
    boolean resetReported;

    StreamSocket(int receiveBuffer, int sendBuffer) {
        this.receiveBuffer = receiveBuffer;
        this.sendBuffer = sendBuffer;
    }
}
