package org.netstack4j.tcp;

import static org.netstack4j.tcp.TcpEvent.*;
import static org.netstack4j.tcp.TcpState.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The TCP state diagram (RFC 9293 section 3.3.2, Figure 5, and the state-by-state rules of section 3.10) as a
 * table: every legal (state, event) pair and the state it leads to. Connections change state only through
 * {@link #next}, so an arrow missing here is a bug that fails loudly instead of a silent wrong state.
 */
public final class TcpTransitions {
    private static final Map<TcpState, Map<TcpEvent, TcpState>> TABLE = new EnumMap<>(TcpState.class);

    static {
        // No (CLOSED, PASSIVE_OPEN), (LISTEN, CLOSE) or (LISTEN, ABORT) here: LISTEN is a TcpListener, not a
        // connection. listen() and closing a listener change no connection's state (closing one aborts its
        // SYN-RECEIVED children instead); a connection is in LISTEN only for the instant before its RCV_SYN.
        on(CLOSED, ACTIVE_OPEN, SYN_SENT);

        on(LISTEN, RCV_SYN, SYN_RECEIVED);

        on(SYN_SENT, RCV_SYN_ACK, ESTABLISHED);
        on(SYN_SENT, RCV_SIMULTANEOUS_SYN, SYN_RECEIVED);
        on(SYN_SENT, RCV_RST, CLOSED);
        on(SYN_SENT, CLOSE, CLOSED);
        on(SYN_SENT, ABORT, CLOSED);
        on(SYN_SENT, TIMEOUT, CLOSED);

        on(SYN_RECEIVED, RCV_ACK_OF_SYN, ESTABLISHED);
        on(SYN_RECEIVED, CLOSE, FIN_WAIT_1);
        // No (SYN_RECEIVED, RCV_FIN): a FIN is processed only after the ACK field (RFC 9293 3.10.7.4, fifth and
        // eighth), and an acceptable ACK moves SYN-RECEIVED to ESTABLISHED first; without an ACK it is dropped.
        on(SYN_RECEIVED, RCV_RST, CLOSED);
        on(SYN_RECEIVED, RETURN_TO_LISTEN, LISTEN);
        on(SYN_RECEIVED, ABORT, CLOSED);
        on(SYN_RECEIVED, TIMEOUT, CLOSED);

        on(ESTABLISHED, CLOSE, FIN_WAIT_1);
        on(ESTABLISHED, RCV_FIN, CLOSE_WAIT);
        on(ESTABLISHED, RCV_RST, CLOSED);
        on(ESTABLISHED, ABORT, CLOSED);
        on(ESTABLISHED, TIMEOUT, CLOSED);

        on(FIN_WAIT_1, RCV_ACK_OF_FIN, FIN_WAIT_2);
        on(FIN_WAIT_1, RCV_FIN, CLOSING);
        on(FIN_WAIT_1, RCV_FIN_ACK_OF_FIN, TIME_WAIT);
        on(FIN_WAIT_1, RCV_RST, CLOSED);
        on(FIN_WAIT_1, ABORT, CLOSED);
        on(FIN_WAIT_1, TIMEOUT, CLOSED);

        on(FIN_WAIT_2, RCV_FIN, TIME_WAIT);
        on(FIN_WAIT_2, RCV_RST, CLOSED);
        on(FIN_WAIT_2, ABORT, CLOSED);
        on(FIN_WAIT_2, TIMEOUT, CLOSED);

        on(CLOSE_WAIT, CLOSE, LAST_ACK);
        on(CLOSE_WAIT, RCV_RST, CLOSED);
        on(CLOSE_WAIT, ABORT, CLOSED);
        on(CLOSE_WAIT, TIMEOUT, CLOSED);

        on(CLOSING, RCV_ACK_OF_FIN, TIME_WAIT);
        on(CLOSING, RCV_RST, CLOSED);
        on(CLOSING, ABORT, CLOSED);
        on(CLOSING, TIMEOUT, CLOSED);

        on(LAST_ACK, RCV_ACK_OF_FIN, CLOSED);
        on(LAST_ACK, RCV_RST, CLOSED);
        on(LAST_ACK, ABORT, CLOSED);
        on(LAST_ACK, TIMEOUT, CLOSED);

        // RFC 1337: an RST in TIME-WAIT is ignored (no arrow), so old duplicates cannot cut it short.
        on(TIME_WAIT, TIME_WAIT_TIMEOUT, CLOSED);
        on(TIME_WAIT, ABORT, CLOSED);
    }

    private TcpTransitions() {
    }

    private static void on(TcpState from, TcpEvent event, TcpState to) {
        TABLE.computeIfAbsent(from, k -> new EnumMap<>(TcpEvent.class)).put(event, to);
    }

    /** The state {@code event} leads to from {@code from}; IllegalStateException if the diagram has no such arrow. */
    public static TcpState next(TcpState from, TcpEvent event) {
        TcpState to = TABLE.getOrDefault(from, Map.of()).get(event);
        if (to == null) {
            throw new IllegalStateException("no TCP transition from " + from + " on " + event);
        }
        return to;
    }

    /** True if the diagram has an arrow for (from, event). */
    public static boolean allowed(TcpState from, TcpEvent event) {
        return TABLE.getOrDefault(from, Map.of()).containsKey(event);
    }

    /** The whole table, for tests that check every cell is exercised and for documentation. */
    public static Map<TcpState, Map<TcpEvent, TcpState>> table() {
        return Collections.unmodifiableMap(TABLE);
    }
}
