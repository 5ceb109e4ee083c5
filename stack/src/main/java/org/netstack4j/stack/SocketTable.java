package org.netstack4j.stack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpListener;
import org.netstack4j.time.Pollable;
import org.netstack4j.udp.UdpEndpoint;
import org.netstack4j.wire.Ipv4Address;

/**
 * The socket table of a stack in the spirit of {@code ss -tuan}: one row per TCP connection, TCP listener
 * and UDP socket, with state, queues, addresses and the next timer. Build it on the stack's thread
 * (e.g. {@code driver.call(() -> SocketTable.of(stack))}); the rows are immutable afterwards.
 */
public final class SocketTable {
    /** One row: what ss prints. */
    public record Row(String netid, String state, int recvQ, int sendQ, String local, String peer, String timer) {
    }

    private final List<Row> rows;

    private SocketTable(List<Row> rows) {
        this.rows = rows;
    }

    /** Snapshots the sockets of {@code stack}; call on its thread. */
    public static SocketTable of(NetStack stack) {
        List<Row> rows = new ArrayList<>();
        long now = stack.now();
        for (TcpListener l : stack.tcp().listeners()) {
            rows.add(new Row("tcp", "LISTEN", l.acceptQueueLength(), l.backlog(),
                    addr(l.localIp(), l.localPort()), "*:*", ""));
        }
        for (TcpConnection c : stack.tcp().connections()) {
            rows.add(new Row("tcp", c.state().ssName(), c.readable(), c.sendQueued(),
                    addr(c.localIp(), c.localPort()), addr(c.remoteIp(), c.remotePort()), timer(c, now)));
        }
        for (UdpEndpoint u : stack.udp().endpoints()) {
            if (u.localPort() == 0) {
                continue;
            }
            rows.add(new Row("udp", u.connected() ? "ESTAB" : "UNCONN", u.queuedBytes(), 0,
                    addr(u.localIp(), u.localPort()),
                    u.connected() ? addr(u.remoteIp(), u.remotePort()) : "*:*", ""));
        }
        rows.sort(Comparator.comparing(Row::netid).thenComparing(Row::local).thenComparing(Row::peer));
        return new SocketTable(List.copyOf(rows));
    }

    private static String addr(int ip, int port) {
        return (ip == 0 ? "*" : Ipv4Address.toString(ip)) + ":" + port;
    }

    private static String timer(TcpConnection c, long now) {
        long at = c.nextTimer();
        if (at == Pollable.NEVER) {
            return "";
        }
        return String.format("%s,%.3fs", c.nextTimerName(), Math.max(0, at - now) / 1e9);
    }

    /** The rows. */
    public List<Row> rows() {
        return rows;
    }

    /** The table as text with a header line, columns like ss. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format("%-6s %-11s %8s %8s %-22s %-22s %s%n",
                "Netid", "State", "Recv-Q", "Send-Q", "Local", "Peer", "Timer"));
        for (Row r : rows) {
            sb.append(String.format("%-6s %-11s %8d %8d %-22s %-22s %s%n", r.netid(), r.state(), r.recvQ(),
                    r.sendQ(), r.local(), r.peer(), r.timer()));
        }
        return sb.toString();
    }
}
