package org.netstack4j.packetdrill;

import java.util.LinkedHashMap;
import java.util.Map;
import org.netstack4j.tcp.TcpConnection;

/**
 * A TCP_INFO-like snapshot of one connection, with Linux's {@code tcpi_*} names and units (microseconds,
 * segments), for {@code %{ }%} blocks. It takes what {@link TcpConnection} exposes today; the one place to
 * change when the stack gains a full TCP_INFO.
 */
final class TcpInfoView {
    private TcpInfoView() {
    }

    /** Linux's tcp_states.h numbering, which scripts compare tcpi_state against. */
    private static int linuxState(org.netstack4j.tcp.TcpState s) {
        return switch (s) {
            case ESTABLISHED -> 1;
            case SYN_SENT -> 2;
            case SYN_RECEIVED -> 3;
            case FIN_WAIT_1 -> 4;
            case FIN_WAIT_2 -> 5;
            case TIME_WAIT -> 6;
            case CLOSED -> 7;
            case CLOSE_WAIT -> 8;
            case LAST_ACK -> 9;
            case LISTEN -> 10;
            case CLOSING -> 11;
        };
    }

    /** The fields available for {@code c} (values are Python literals). */
    static Map<String, Long> snapshot(TcpConnection c) {
        Map<String, Long> m = new LinkedHashMap<>();
        int mss = Math.max(1, c.sender().mss());
        m.put("tcpi_state", (long) linuxState(c.state()));
        m.put("tcpi_snd_mss", (long) mss);
        m.put("tcpi_snd_cwnd", (long) (c.sender().congestionWindow() / mss));
        m.put("tcpi_rto", c.sender().rto() / 1000);
        m.put("tcpi_rtt", c.sender().rttEstimator().srtt() / 1000);
        m.put("tcpi_rttvar", c.sender().rttEstimator().rttvar() / 1000);
        m.put("tcpi_backoff", (long) c.sender().rttEstimator().backoffCount());
        m.put("tcpi_total_retrans", c.sender().retransmissions());
        m.put("tcpi_notsent_bytes", (long) c.sendQueued());
        return m;
    }

    /** The names of every field a full TCP_INFO has, so a script using one we lack is skipped, not failed. */
    static boolean isTcpInfoName(String name) {
        return name.startsWith("tcpi_");
    }
}
