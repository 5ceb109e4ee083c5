package org.netstack4j.tcp;

/**
 * What moves a connection from one state to another: user calls, arriving segments (classified), and timers
 * (RFC 9293 section 3.10). Each constant is one arrow of the state diagram, or one family of arrows.
 */
public enum TcpEvent {
    /** listen(): CLOSED to LISTEN. */
    PASSIVE_OPEN,
    /** connect(): CLOSED to SYN-SENT, sending SYN. */
    ACTIVE_OPEN,
    /** A SYN arrives at a listener: a new connection in SYN-RECEIVED. */
    RCV_SYN,
    /** A SYN without ACK arrives in SYN-SENT: simultaneous open. */
    RCV_SIMULTANEOUS_SYN,
    /** The SYN-ACK arrives in SYN-SENT. */
    RCV_SYN_ACK,
    /** The ACK of our SYN arrives in SYN-RECEIVED. */
    RCV_ACK_OF_SYN,
    /** close() or shutdown(SHUT_WR): our FIN is queued. */
    CLOSE,
    /** The peer's FIN arrives (in order). */
    RCV_FIN,
    /** The ACK of our FIN arrives. */
    RCV_ACK_OF_FIN,
    /** FIN and the ACK of our FIN arrive together in FIN-WAIT-1. */
    RCV_FIN_ACK_OF_FIN,
    /** An acceptable RST arrives. */
    RCV_RST,
    /** The 2 MSL timer expires in TIME-WAIT. */
    TIME_WAIT_TIMEOUT,
    /** close() with SO_LINGER 0, close() with unread data, or a user abort: RST sent. */
    ABORT,
    /** Retransmissions (or keep-alive probes) exhausted: ETIMEDOUT. */
    TIMEOUT,
    /** A passive-open connection in SYN-RECEIVED goes back to LISTEN (RST or SYN received). */
    RETURN_TO_LISTEN
}
