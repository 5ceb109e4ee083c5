package org.netstack4j.stats;

/**
 * Every event the stack counts, grouped per layer in the spirit of Linux's /proc/net/snmp and
 * /proc/net/netstat. Names follow Linux where Linux has one, so that figures can be compared side by side.
 * A malformed or unwanted packet is always counted under exactly one drop reason.
 */
public enum Counter {
    // Link (Ethernet)
    LINK_IN_FRAMES("Link", "InFrames"),
    LINK_IN_TRUNCATED("Link", "InTruncated"),
    LINK_IN_NOT_FOR_US("Link", "InOtherHost"),
    LINK_IN_UNKNOWN_TYPE("Link", "InUnknownType"),
    LINK_OUT_FRAMES("Link", "OutFrames"),
    LINK_IN_ERRORS_CAUGHT("Link", "InInternalErrors"),

    // ARP
    ARP_IN_PACKETS("Arp", "InPackets"),
    ARP_IN_MALFORMED("Arp", "InMalformed"),
    ARP_IN_REQUESTS("Arp", "InRequests"),
    ARP_IN_REPLIES("Arp", "InReplies"),
    ARP_IN_NOT_FOR_US("Arp", "InOtherTarget"),
    ARP_OUT_REQUESTS("Arp", "OutRequests"),
    ARP_OUT_REPLIES("Arp", "OutReplies"),
    ARP_OUT_GRATUITOUS("Arp", "OutGratuitous"),
    ARP_RESOLVE_FAILED("Arp", "ResolveFailed"),
    ARP_QUEUE_DROPS("Arp", "UnresolvedDiscards"),
    ARP_ENTRIES_EXPIRED("Arp", "EntriesExpired"),

    // IPv4 (names of /proc/net/snmp "Ip:")
    IP_IN_RECEIVES("Ip", "InReceives"),
    IP_IN_HDR_ERRORS("Ip", "InHdrErrors"),
    IP_IN_CSUM_ERRORS("Ip", "InCsumErrors"),
    IP_IN_TRUNCATED("Ip", "InTruncatedPkts"),
    IP_IN_ADDR_ERRORS("Ip", "InAddrErrors"),
    IP_IN_UNKNOWN_PROTOS("Ip", "InUnknownProtos"),
    IP_IN_DELIVERS("Ip", "InDelivers"),
    IP_OUT_REQUESTS("Ip", "OutRequests"),
    IP_OUT_NO_ROUTES("Ip", "OutNoRoutes"),
    IP_REASM_REQDS("Ip", "ReasmReqds"),
    IP_REASM_OKS("Ip", "ReasmOKs"),
    IP_REASM_FAILS("Ip", "ReasmFails"),
    IP_REASM_TIMEOUT("Ip", "ReasmTimeout"),
    IP_REASM_OVERLAPS("Ip", "ReasmOverlaps"),
    IP_REASM_EVICTED("Ip", "ReasmEvicted"),
    IP_FRAG_OKS("Ip", "FragOKs"),
    IP_FRAG_FAILS("Ip", "FragFails"),
    IP_FRAG_CREATES("Ip", "FragCreates"),

    // ICMP
    ICMP_IN_MSGS("Icmp", "InMsgs"),
    ICMP_IN_ERRORS("Icmp", "InErrors"),
    ICMP_IN_CSUM_ERRORS("Icmp", "InCsumErrors"),
    ICMP_IN_ECHOS("Icmp", "InEchos"),
    ICMP_IN_ECHO_REPS("Icmp", "InEchoReps"),
    ICMP_IN_DEST_UNREACHS("Icmp", "InDestUnreachs"),
    ICMP_IN_TIME_EXCDS("Icmp", "InTimeExcds"),
    ICMP_OUT_MSGS("Icmp", "OutMsgs"),
    ICMP_OUT_ECHOS("Icmp", "OutEchos"),
    ICMP_OUT_ECHO_REPS("Icmp", "OutEchoReps"),
    ICMP_OUT_DEST_UNREACHS("Icmp", "OutDestUnreachs"),
    ICMP_OUT_TIME_EXCDS("Icmp", "OutTimeExcds"),
    ICMP_OUT_RATE_LIMITED("Icmp", "OutRateLimited"),

    // UDP
    UDP_IN_DATAGRAMS("Udp", "InDatagrams"),
    UDP_NO_PORTS("Udp", "NoPorts"),
    UDP_IN_ERRORS("Udp", "InErrors"),
    UDP_IN_CSUM_ERRORS("Udp", "InCsumErrors"),
    UDP_RCVBUF_ERRORS("Udp", "RcvbufErrors"),
    UDP_OUT_DATAGRAMS("Udp", "OutDatagrams"),
    UDP_SNDBUF_ERRORS("Udp", "SndbufErrors"),

    // TCP (names of /proc/net/snmp "Tcp:" and /proc/net/netstat "TcpExt:")
    TCP_ACTIVE_OPENS("Tcp", "ActiveOpens"),
    TCP_PASSIVE_OPENS("Tcp", "PassiveOpens"),
    TCP_ATTEMPT_FAILS("Tcp", "AttemptFails"),
    TCP_ESTAB_RESETS("Tcp", "EstabResets"),
    TCP_IN_SEGS("Tcp", "InSegs"),
    TCP_OUT_SEGS("Tcp", "OutSegs"),
    TCP_RETRANS_SEGS("Tcp", "RetransSegs"),
    TCP_IN_ERRS("Tcp", "InErrs"),
    TCP_IN_CSUM_ERRORS("Tcp", "InCsumErrors"),
    TCP_OUT_RSTS("Tcp", "OutRsts"),
    TCP_NO_LISTENER("TcpExt", "NoListener"),
    TCP_OUT_OF_WINDOW("TcpExt", "OutOfWindowAcks"),
    TCP_CHALLENGE_ACKS("TcpExt", "TCPChallengeACK"),
    TCP_SYN_CHALLENGE("TcpExt", "TCPSYNChallenge"),
    TCP_ACK_SKIPPED_CHALLENGE("TcpExt", "TCPACKSkippedChallenge"),
    TCP_ACK_SKIPPED_SEQ("TcpExt", "TCPACKSkippedSeq"),
    TCP_ACK_SKIPPED_SYN_RECV("TcpExt", "TCPACKSkippedSynRecv"),
    TCP_SYNCOOKIES_SENT("TcpExt", "SyncookiesSent"),
    TCP_SYNCOOKIES_RECV("TcpExt", "SyncookiesRecv"),
    TCP_SYNCOOKIES_FAILED("TcpExt", "SyncookiesFailed"),
    TCP_REQ_Q_FULL_DO_COOKIES("TcpExt", "TCPReqQFullDoCookies"),
    TCP_REQ_Q_FULL_DROP("TcpExt", "TCPReqQFullDrop"),
    TCP_OUT_OF_WINDOW_ICMPS("TcpExt", "OutOfWindowIcmps"),
    TCP_LISTEN_OVERFLOWS("TcpExt", "ListenOverflows"),
    TCP_LISTEN_DROPS("TcpExt", "ListenDrops"),
    TCP_ABORT_ON_DATA("TcpExt", "TCPAbortOnData"),
    TCP_ABORT_ON_TIMEOUT("TcpExt", "TCPAbortOnTimeout"),
    TCP_TIME_WAIT_REUSED("TcpExt", "TWRecycled"),
    /**
     * Receive buffers grown by autotuning (dynamic right-sizing). Ours: Linux has no counter for it, only the
     * tcp_rcvbuf_grow tracepoint.
     */
    TCP_RCV_BUF_GROWN("TcpExt", "TCPRcvBufGrown"),
    /** Segments dropped by PAWS (RFC 7323 5) in a synchronized state (Linux LINUX_MIB_PAWSESTABREJECTED). */
    TCP_PAWS_ESTAB_REJECTED("TcpExt", "PAWSEstab"),
    /** D-SACKs sent for data below RCV.NXT (RFC 2883). */
    TCP_DSACK_OLD_SENT("TcpExt", "TCPDSACKOldSent"),
    /** D-SACKs sent for data already held out of order (RFC 2883). */
    TCP_DSACK_OFO_SENT("TcpExt", "TCPDSACKOfoSent"),
    /**
     * Out-of-order segments dropped because the receive queue held as much memory as it may (Linux
     * LINUX_MIB_TCPOFODROP); see {@code ReceiveQueue#memoryLimit}.
     */
    TCP_OFO_DROP("TcpExt", "TCPOFODrop"),
    /**
     * Out-of-order arrivals for which held out-of-order data above them was given up to stay within the receive
     * queue's memory limit (Linux LINUX_MIB_OFOPRUNED).
     */
    TCP_OFO_PRUNED("TcpExt", "OfoPruned"),
    /**
     * Retransmission timer expiries with something outstanding, data or SYN (as Linux's TCPTimeouts, which counts
     * only the first of a run in the open state and the others as TCPSackFailures, TCPLossFailures, ...).
     */
    TCP_TIMEOUTS("TcpExt", "TCPTimeouts"),
    /** Tail loss probes sent (RFC 8985 section 7). */
    TCP_LOSS_PROBES("TcpExt", "TCPLossProbes"),
    /** Losses repaired by a tail loss probe's retransmission, each answered by one window reduction (RFC 8985 7.4.2). */
    TCP_LOSS_PROBE_RECOVERY("TcpExt", "TCPLossProbeRecovery"),
    /** Fast recoveries entered with SACK (RFC 6675, or RACK's RFC 8985 6.2). */
    TCP_SACK_RECOVERY("TcpExt", "TCPSackRecovery"),
    /** Fast recoveries entered without SACK (RFC 5681 3.2, RFC 6582). */
    TCP_RENO_RECOVERY("TcpExt", "TCPRenoRecovery"),
    /**
     * Reductions of fast recovery undone because D-SACKs reported every retransmission of it as a duplicate (RFC
     * 3708; Linux's tcp_try_undo_dsack).
     */
    TCP_DSACK_UNDO("TcpExt", "TCPDSACKUndo"),
    /**
     * Reductions of a retransmission timeout undone because D-SACKs reported every retransmission after it as a
     * duplicate. Linux counts TCPLossUndo when the undo comes while still in its loss state, and a D-SACK undo after
     * that as TCPDSACKUndo; here every undone timeout reduction counts as TCPLossUndo.
     */
    TCP_LOSS_UNDO("TcpExt", "TCPLossUndo");

    private final String group;
    private final String label;

    Counter(String group, String label) {
        this.group = group;
        this.label = label;
    }

    /** The layer, e.g. {@code Ip}. */
    public String group() {
        return group;
    }

    /** The counter's name within its layer, e.g. {@code InHdrErrors}. */
    public String label() {
        return label;
    }
}
