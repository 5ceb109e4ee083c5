package org.netstack4j.tcp;

/**
 * One state transition or retransmission of one connection, as emitted to {@link TcpTraceListener}s: the
 * basis of traces (JSON lines with {@code --trace}), teaching diagrams and the socket table.
 *
 * @param timeNanos  the stack's clock when it happened
 * @param connection the four-tuple, e.g. {@code 10.0.0.1:40000>10.0.0.2:80}
 * @param from       state before (same as {@code to} for a retransmission)
 * @param to         state after
 * @param cause      the event, or {@code RETRANSMIT}/{@code SYN_RETRANSMIT}/... for retransmissions
 */
public record TcpTraceEvent(long timeNanos, String connection, TcpState from, TcpState to, String cause) {
    /** The event as one JSON object on one line. */
    public String toJson() {
        return "{\"t_ns\":" + timeNanos + ",\"conn\":\"" + connection + "\",\"from\":\"" + from + "\",\"to\":\"" + to
                + "\",\"cause\":\"" + cause + "\"}";
    }
}
