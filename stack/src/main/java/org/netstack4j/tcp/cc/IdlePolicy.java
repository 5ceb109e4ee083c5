package org.netstack4j.tcp.cc;

/**
 * What happens to cwnd when a sender resumes after an idle period; a {@link org.netstack4j.tcp.TcpProfile}
 * chooses. The window describes a path that may have changed while nothing was sent.
 */
public enum IdlePolicy {
    /**
     * Linux's tcp_slow_start_after_idle (RFC 5681 4.1, after RFC 2861): once idle for longer than the RTO, cwnd
     * halves for every RTO that passed, never below the restart window min(IW, cwnd); ssthresh keeps 3/4 of the
     * old cwnd so slow start climbs back quickly.
     */
    RESTART_WINDOW,
    /**
     * RFC 7661 (new congestion window validation): cwnd is kept through idle periods shorter than the
     * non-validated period (NVP, 5 minutes, RFC 7661 4.3); for every NVP that passed, ssthresh = max(ssthresh,
     * 3/4 cwnd) and cwnd = max(cwnd / 2, IW) (RFC 7661 4.4).
     */
    NEW_CWV;

    /** RFC 7661 4.3: the non-validated period is 5 minutes. */
    static final long NON_VALIDATED_PERIOD = 300_000_000_000L;
}
