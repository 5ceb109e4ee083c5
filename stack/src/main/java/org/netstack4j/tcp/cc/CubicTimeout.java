package org.netstack4j.tcp.cc;

/**
 * What a retransmission timeout does to CUBIC's curve besides the reduction (ssthresh = beta * base, W_max with
 * fast convergence, RFC 9438 4.6-4.7, cwnd = one segment); a {@link org.netstack4j.tcp.TcpProfile} chooses. Both
 * start the first congestion-avoidance epoch after the timeout at the window it begins with (K = 0, W_est =
 * cwnd_epoch): slow start has already brought cwnd back to ssthresh, and the window before the timeout says little
 * about a path that lost a whole window. They differ in what W_max is until the next congestion event.
 */
public enum CubicTimeout {
    /**
     * RFC 9438 4.8: "K is set to 0, and W_max is set to the congestion window size at the beginning of the current
     * congestion avoidance stage"; W_est likewise. Until that stage begins W_max is the one section 4.6 set at the
     * timeout, so a loss during the slow start after it compares with that (fast convergence, 4.7).
     */
    RFC_9438,
    /**
     * Linux: tcp_enter_loss takes ssthresh from CUBIC's recalc_ssthresh (which sets last_max_cwnd, with fast
     * convergence) and then enters the Loss state, on which CUBIC's state hook resets the curve (bictcp_reset): the
     * epoch, origin, K, W_est and ACK count, and also last_max_cwnd, which is 0 afterwards. It happens on every
     * timeout, also one that keeps ssthresh (during fast recovery, or again before SND.UNA moved). So W_max is 0
     * until the next loss, which takes W_max = cwnd without fast convergence, and every epoch until then starts
     * its curve at cwnd_epoch with K = 0. (From net/ipv4/tcp_cubic.c as we know it: older kernels zero the fields
     * one by one, newer ones with a memset up to the "unused" field, last_max_cwnd included either way.)
     */
    LINUX_RESET
}
