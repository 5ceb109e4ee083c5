package org.netstack4j.tcp;

/**
 * A snapshot of one connection in the shape of Linux's {@code struct tcp_info} (getsockopt TCP_INFO), so that
 * tools and packetdrill-style scripts can ask the same questions of this stack as of a kernel. Units follow
 * Linux: times in microseconds (the {@code last*} fields in milliseconds), windows of the congestion side in
 * segments, the others in bytes. Fields the stack does not track are 0; each says so below.
 *
 * @param state          the RFC 9293 state ({@link #linuxState()} gives Linux's number)
 * @param caState        congestion-avoidance state as Linux's TCP_CA_*: {@link #CA_OPEN}, {@link #CA_RECOVERY},
 *                       {@link #CA_LOSS}, {@link #CA_CWR} (Disorder is not distinguished: never reported)
 * @param retransmits    retransmission timeouts in a row without progress (Linux icsk_retransmits)
 * @param backoff        times the RTO has been doubled since the last new acknowledgment
 * @param options        negotiated options as a bit set: {@link #OPT_TIMESTAMPS}, {@link #OPT_SACK},
 *                       {@link #OPT_WSCALE}, {@link #OPT_ECN}
 * @param sndWscale      the peer's window shift, applied to windows it sends (RFC 7323 2.3); 0 without scaling
 * @param rcvWscale      our window shift, applied to windows we send; 0 without scaling
 * @param rto            current retransmission timeout including back-off, µs
 * @param sndMss         largest payload we send (the peer's MSS less our option overhead)
 * @param rcvMss         the MSS we announced
 * @param unacked        segments sent and not yet acknowledged (Linux packets_out), estimated as bytes / MSS
 * @param sacked         segments the peer SACKed (0 until the send side keeps a SACK scoreboard)
 * @param lost           segments believed lost (0 until the send side keeps a SACK scoreboard)
 * @param retrans        retransmitted segments still in flight (0: not tracked)
 * @param lastDataSent   ms since data was last sent (0 before any)
 * @param lastDataRecv   ms since data last arrived (0 before any)
 * @param lastAckRecv    ms since the last segment arrived
 * @param pmtu           path MTU (the interface MTU: no PMTU discovery yet)
 * @param rcvSsthresh    the largest window we would advertise now, bytes
 * @param rtt            smoothed RTT, µs (0 before the first sample)
 * @param rttvar         RTT variation, µs
 * @param sndSsthresh    slow-start threshold in segments ({@link #INFINITE_SSTHRESH} while unset, as Linux)
 * @param sndCwnd        congestion window in segments
 * @param advmss         the MSS we advertise
 * @param reordering     reordering degree the sender assumes (3, Linux's tcp_reordering default; not adapted)
 * @param totalRetrans   segments retransmitted over the connection's life
 * @param bytesAcked     data bytes the peer acknowledged (RFC 4898 tcpEStatsAppHCThruOctetsAcked)
 * @param bytesReceived  data bytes received in order (RFC 4898 tcpEStatsAppHCThruOctetsReceived)
 * @param segsOut        segments sent (RFC 4898 tcpEStatsPerfSegsOut)
 * @param segsIn         segments received (RFC 4898 tcpEStatsPerfSegsIn)
 * @param delivered      segments delivered to the peer, estimated as bytes acknowledged / MSS rounded up
 * @param sndWnd         the peer's window, bytes (scaled)
 * @param rcvWnd         the window we last advertised, bytes
 * @param reordSeen      reordering events the sender observed (Linux tcpi_reord_seen): a SACK or cumulative ACK
 *                       of an original segment below one delivered before, or a D-SACK (RFC 8985 6.2 step 3)
 * @param reoWnd         RACK's reordering window as last computed, µs (RFC 8985 6.2 step 4; Linux does not
 *                       report it); 0 without RACK
 */
public record TcpInfo(TcpState state, int caState, int retransmits, int backoff, int options, int sndWscale,
                      int rcvWscale, long rto, int sndMss, int rcvMss, int unacked, int sacked, int lost,
                      int retrans, long lastDataSent, long lastDataRecv, long lastAckRecv, int pmtu,
                      int rcvSsthresh, long rtt, long rttvar, int sndSsthresh, int sndCwnd, int advmss,
                      int reordering, long totalRetrans, long bytesAcked, long bytesReceived, long segsOut,
                      long segsIn, long delivered, int sndWnd, int rcvWnd, int reordSeen, long reoWnd) {

    /** tcpi_options bit: timestamps negotiated (Linux TCPI_OPT_TIMESTAMPS). */
    public static final int OPT_TIMESTAMPS = 1;
    /** tcpi_options bit: SACK negotiated (Linux TCPI_OPT_SACK). */
    public static final int OPT_SACK = 2;
    /** tcpi_options bit: window scaling negotiated (Linux TCPI_OPT_WSCALE). */
    public static final int OPT_WSCALE = 4;
    /** tcpi_options bit: ECN negotiated (Linux TCPI_OPT_ECN). */
    public static final int OPT_ECN = 8;
    /** caState: normal operation (Linux TCP_CA_Open). */
    public static final int CA_OPEN = 0;
    /** caState: an ECN-Echo's reduction under way (Linux TCP_CA_CWR). */
    public static final int CA_CWR = 2;
    /** caState: fast recovery (Linux TCP_CA_Recovery). */
    public static final int CA_RECOVERY = 3;
    /** caState: after a retransmission timeout (Linux TCP_CA_Loss). */
    public static final int CA_LOSS = 4;
    /** sndSsthresh before any loss: Linux's TCP_INFINITE_SSTHRESH. */
    public static final int INFINITE_SSTHRESH = 0x7fff_ffff;

    /** A socket without a connection (unconnected or listening): only the state is known. */
    public static TcpInfo unconnected(TcpState state) {
        return new TcpInfo(state, CA_OPEN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                INFINITE_SSTHRESH, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** True if every bit of {@code option} (an OPT_* constant) is set in {@link #options}. */
    public boolean has(int option) {
        return (options & option) == option;
    }

    /** The state as Linux numbers it in tcpi_state (TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11). */
    public int linuxState() {
        return switch (state) {
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
}
