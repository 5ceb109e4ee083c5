package org.netstack4j.tcp;

/**
 * The eleven connection states of RFC 9293 section 3.3.2, with the properties the rest of the code asks of
 * them. The transitions between them live in one place: {@link TcpTransitions}.
 */
public enum TcpState {
    /** No connection (fictional: there is no TCB). */
    CLOSED,
    /** Waiting for a connection request. */
    LISTEN,
    /** SYN sent, waiting for a matching SYN. */
    SYN_SENT,
    /** SYN received and answered, waiting for the ACK of ours. */
    SYN_RECEIVED,
    /** Open: data flows both ways. */
    ESTABLISHED,
    /** We closed; our FIN not yet acknowledged. */
    FIN_WAIT_1,
    /** Our FIN acknowledged; waiting for the peer's FIN. */
    FIN_WAIT_2,
    /** The peer closed; waiting for our user to close. */
    CLOSE_WAIT,
    /** Both closed at once; waiting for the ACK of our FIN. */
    CLOSING,
    /** The peer closed first, then we; waiting for the ACK of our FIN. */
    LAST_ACK,
    /** Both closed; waiting 2 MSL so that stray segments die out. */
    TIME_WAIT;

    /** True once the SYNs have been exchanged (RFC 9293 "synchronized states"). */
    public boolean synchronizedState() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** True where data from the peer may still arrive (RFC 9293 3.10.7.4, "seventh, process the segment text"). */
    public boolean receivesData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }

    /** True where our user may still send (our FIN not yet queued). */
    public boolean sendsData() {
        return this == ESTABLISHED || this == CLOSE_WAIT;
    }

    /** True once our FIN has been queued. */
    public boolean finQueued() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** The name as {@code ss} prints it, e.g. ESTAB, SYN-SENT, TIME-WAIT. */
    public String ssName() {
        return switch (this) {
            case ESTABLISHED -> "ESTAB";
            case SYN_RECEIVED -> "SYN-RECV";
            default -> name().replace('_', '-');
        };
    }
}
