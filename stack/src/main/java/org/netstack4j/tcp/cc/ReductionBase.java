package org.netstack4j.tcp.cc;

/**
 * What the multiplicative decrease on a congestion signal (a loss found by duplicate ACKs, SACK or RACK, a
 * retransmission timeout, an ECN-Echo) starts from: ssthresh = max(base / 2, 2 SMSS) for NewReno and
 * max(base * 0.7, 2 SMSS) for CUBIC.
 *
 * <p>RFC 5681 3.1 eq. 4 and RFC 9438 4.6 take FlightSize, the data outstanding (SND.NXT - SND.UNA); RFC 5681
 * warns against using cwnd. Linux takes cwnd: tcp_reno_ssthresh is max(cwnd / 2, 2), CUBIC's recalc_ssthresh
 * max(cwnd * beta, 2), and tcp_enter_loss (the timeout) calls the same hook. The two differ whenever the flight is
 * not the window: Limited Transmit (RFC 3042) lets up to two segments beyond cwnd out before DupThresh declares a
 * loss, while RACK (RFC 8985) may declare it after the first SACK, so with FlightSize the reduction depends on
 * how early the loss was found; with cwnd it does not.
 */
public enum ReductionBase {
    /** FlightSize = SND.NXT - SND.UNA (RFC 5681 3.1 eq. 4, RFC 6675 section 5 step 4.2, RFC 9438 4.6). */
    FLIGHT_SIZE,
    /**
     * The congestion window before the reduction (Linux). Since cwnd shrinks with the reduction, Linux reduces at
     * most once per window of data: a timeout while the window is already reduced (in fast recovery, or a timeout
     * again before an ACK advanced SND.UNA) keeps ssthresh (tcp_enter_loss).
     */
    CWND;

    /** The amount the reduction starts from, given cwnd and FlightSize in bytes. */
    public int of(int cwnd, int flightSize) {
        return this == CWND ? cwnd : flightSize;
    }
}
