package org.netstack4j.socket;

/**
 * The numeric values Linux (x86-64) gives the socket API's symbols, so that code and scripts written for
 * Linux — packetdrill scripts above all — pass the same numbers to {@link BsdSockets}.
 */
public final class SocketConstants {
    private SocketConstants() {
    }

    /** Address families. */
    public static final int AF_UNSPEC = 0;
    /** IPv4. */
    public static final int AF_INET = 2;

    /** Stream socket (TCP). */
    public static final int SOCK_STREAM = 1;
    /** Datagram socket (UDP). */
    public static final int SOCK_DGRAM = 2;
    /** Flag or-ed into the type: start non-blocking. */
    public static final int SOCK_NONBLOCK = 0x800;
    /** Flag or-ed into the type: close on exec (accepted, meaningless here). */
    public static final int SOCK_CLOEXEC = 0x80000;

    /** Protocols. */
    public static final int IPPROTO_IP = 0;
    /** TCP. */
    public static final int IPPROTO_TCP = 6;
    /** UDP. */
    public static final int IPPROTO_UDP = 17;

    /** Socket-level options. */
    public static final int SOL_SOCKET = 1;
    /** Allow binding an address in use by sockets that also set it. */
    public static final int SO_REUSEADDR = 2;
    /** The socket type (read-only). */
    public static final int SO_TYPE = 3;
    /** Pending error, cleared by reading (read-only). */
    public static final int SO_ERROR = 4;
    /** Allow sending to broadcast addresses. */
    public static final int SO_BROADCAST = 6;
    /** Send buffer size. */
    public static final int SO_SNDBUF = 7;
    /** Receive buffer size. */
    public static final int SO_RCVBUF = 8;
    /** TCP keep-alive. */
    public static final int SO_KEEPALIVE = 9;
    /** Linger on close. */
    public static final int SO_LINGER = 13;
    /** Allow several sockets on one port. */
    public static final int SO_REUSEPORT = 15;

    /** TCP options (level IPPROTO_TCP). */
    public static final int TCP_NODELAY = 1;
    /** Maximum segment size. */
    public static final int TCP_MAXSEG = 2;
    /** Idle time before keep-alive probes, seconds. */
    public static final int TCP_KEEPIDLE = 4;
    /** Time between keep-alive probes, seconds. */
    public static final int TCP_KEEPINTVL = 5;
    /** Keep-alive probes before giving up. */
    public static final int TCP_KEEPCNT = 6;
    /** A snapshot of the connection ({@code struct tcp_info}); read with {@link BsdSockets#tcpInfo}. */
    public static final int TCP_INFO = 11;

    /** shutdown(2) modes. */
    public static final int SHUT_RD = 0;
    /** Stop sending. */
    public static final int SHUT_WR = 1;
    /** Both. */
    public static final int SHUT_RDWR = 2;

    /** fcntl commands. */
    public static final int F_GETFL = 3;
    /** Set file status flags. */
    public static final int F_SETFL = 4;
    /** Non-blocking file status flag. */
    public static final int O_NONBLOCK = 0x800;
    /** Read-write access mode, reported by F_GETFL like Linux does for sockets. */
    public static final int O_RDWR = 2;

    /** poll events. */
    public static final int POLLIN = 0x001;
    /** Urgent data. */
    public static final int POLLPRI = 0x002;
    /** Writable. */
    public static final int POLLOUT = 0x004;
    /** Error pending. */
    public static final int POLLERR = 0x008;
    /** Hung up. */
    public static final int POLLHUP = 0x010;
    /** Not an open descriptor. */
    public static final int POLLNVAL = 0x020;
    /** Peer closed its writing half. */
    public static final int POLLRDHUP = 0x2000;

    /** recv flags: look without removing. */
    public static final int MSG_PEEK = 0x2;
    /** Report the real length of a truncated datagram. */
    public static final int MSG_TRUNC = 0x20;
    /** This call only: do not block. */
    public static final int MSG_DONTWAIT = 0x40;
}
