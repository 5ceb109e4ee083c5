package org.netstack4j.packetdrill;

import java.util.HashMap;
import java.util.Map;
import org.netstack4j.socket.Errno;

/**
 * The values Linux (x86-64) gives the symbols scripts use in system calls: families, types, levels, option
 * names, flags, poll events, ioctl requests and errno names. Options the stack does not implement are listed
 * too, so that a script using one is reported as needing it rather than as having a typo.
 */
final class LinuxSymbols {
    private static final Map<String, Long> VALUES = new HashMap<>();

    static {
        put("NULL", 0);
        put("AF_UNSPEC", 0);
        put("AF_INET", 2);
        put("AF_INET6", 10);
        put("PF_INET", 2);
        put("PF_INET6", 10);
        put("SOCK_STREAM", 1);
        put("SOCK_DGRAM", 2);
        put("SOCK_RAW", 3);
        put("SOCK_NONBLOCK", 0x800);
        put("SOCK_CLOEXEC", 0x80000);
        put("IPPROTO_IP", 0);
        put("IPPROTO_ICMP", 1);
        put("IPPROTO_TCP", 6);
        put("IPPROTO_UDP", 17);
        put("IPPROTO_IPV6", 41);
        put("SOL_SOCKET", 1);
        put("SOL_IP", 0);
        put("SOL_TCP", 6);
        put("SOL_UDP", 17);
        String[] so = {"", "SO_DEBUG", "SO_REUSEADDR", "SO_TYPE", "SO_ERROR", "SO_DONTROUTE", "SO_BROADCAST",
            "SO_SNDBUF", "SO_RCVBUF", "SO_KEEPALIVE", "SO_OOBINLINE", "SO_NO_CHECK", "SO_PRIORITY", "SO_LINGER",
            "SO_BSDCOMPAT", "SO_REUSEPORT", "SO_PASSCRED", "SO_PEERCRED", "SO_RCVLOWAT", "SO_SNDLOWAT",
            "SO_RCVTIMEO", "SO_SNDTIMEO"};
        for (int i = 1; i < so.length; i++) {
            put(so[i], i);
        }
        put("SO_ACCEPTCONN", 30);
        put("SO_SNDBUFFORCE", 32);
        put("SO_RCVBUFFORCE", 33);
        put("SO_MAX_PACING_RATE", 47);
        put("SO_ZEROCOPY", 60);
        String[] tcp = {"", "TCP_NODELAY", "TCP_MAXSEG", "TCP_CORK", "TCP_KEEPIDLE", "TCP_KEEPINTVL",
            "TCP_KEEPCNT", "TCP_SYNCNT", "TCP_LINGER2", "TCP_DEFER_ACCEPT", "TCP_WINDOW_CLAMP", "TCP_INFO",
            "TCP_QUICKACK", "TCP_CONGESTION", "TCP_MD5SIG"};
        for (int i = 1; i < tcp.length; i++) {
            put(tcp[i], i);
        }
        put("TCP_THIN_LINEAR_TIMEOUTS", 16);
        put("TCP_THIN_DUPACK", 17);
        put("TCP_USER_TIMEOUT", 18);
        put("TCP_REPAIR", 19);
        put("TCP_FASTOPEN", 23);
        put("TCP_TIMESTAMP", 24);
        put("TCP_NOTSENT_LOWAT", 25);
        put("TCP_CC_INFO", 26);
        put("TCP_SAVE_SYN", 27);
        put("TCP_SAVED_SYN", 28);
        put("TCP_FASTOPEN_CONNECT", 30);
        put("TCP_ULP", 31);
        put("TCP_FASTOPEN_NO_COOKIE", 34);
        put("TCP_ZEROCOPY_RECEIVE", 35);
        put("TCP_INQ", 36);
        put("TCP_TX_DELAY", 37);
        put("IP_TOS", 1);
        put("IP_TTL", 2);
        put("IP_MTU_DISCOVER", 10);
        put("IP_MTU", 14);
        put("IP_PMTUDISC_DONT", 0);
        put("IP_PMTUDISC_DO", 2);
        put("SHUT_RD", 0);
        put("SHUT_WR", 1);
        put("SHUT_RDWR", 2);
        put("F_DUPFD", 0);
        put("F_GETFD", 1);
        put("F_SETFD", 2);
        put("F_GETFL", 3);
        put("F_SETFL", 4);
        put("FD_CLOEXEC", 1);
        put("O_RDONLY", 0);
        put("O_WRONLY", 1);
        put("O_RDWR", 2);
        put("O_NONBLOCK", 0x800);
        put("O_CLOEXEC", 0x80000);
        put("POLLIN", 0x001);
        put("POLLPRI", 0x002);
        put("POLLOUT", 0x004);
        put("POLLERR", 0x008);
        put("POLLHUP", 0x010);
        put("POLLNVAL", 0x020);
        put("POLLRDNORM", 0x040);
        put("POLLRDBAND", 0x080);
        put("POLLWRNORM", 0x100);
        put("POLLWRBAND", 0x200);
        put("POLLMSG", 0x400);
        put("POLLRDHUP", 0x2000);
        put("MSG_OOB", 0x1);
        put("MSG_PEEK", 0x2);
        put("MSG_DONTROUTE", 0x4);
        put("MSG_TRUNC", 0x20);
        put("MSG_DONTWAIT", 0x40);
        put("MSG_EOR", 0x80);
        put("MSG_WAITALL", 0x100);
        put("MSG_NOSIGNAL", 0x4000);
        put("MSG_MORE", 0x8000);
        put("MSG_FASTOPEN", 0x20000000);
        put("MSG_ZEROCOPY", 0x4000000);
        put("FIONREAD", 0x541B);
        put("SIOCINQ", 0x541B);
        put("SIOCOUTQ", 0x5411);
        put("SIOCOUTQNSD", 0x894B);
        put("FIONBIO", 0x5421);
        for (Errno e : Errno.values()) {
            put(e.name(), e.number());
        }
        put("EWOULDBLOCK", 11);
        put("ENOENT", 2);
        put("ESRCH", 3);
        put("EIO", 5);
        put("ENOTTY", 25);
        put("ENOSPC", 28);
        put("ESPIPE", 29);
        put("EHOSTDOWN", 112);
        put("ENOTSUP", 95);
    }

    private LinuxSymbols() {
    }

    private static void put(String name, long value) {
        VALUES.put(name, value);
    }

    /** The value of {@code name}, or null if unknown. */
    static Long value(String name) {
        return VALUES.get(name);
    }

    /** The symbol names with value {@code v} that start with {@code prefix}, for messages; else the number. */
    static String name(String prefix, long v) {
        for (Map.Entry<String, Long> e : VALUES.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getValue() == v) {
                return e.getKey();
            }
        }
        return Long.toString(v);
    }
}
