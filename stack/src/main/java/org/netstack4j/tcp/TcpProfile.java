package org.netstack4j.tcp;

import java.time.Duration;
import org.netstack4j.tcp.cc.CongestionControlKind;
import org.netstack4j.tcp.cc.CubicTimeout;
import org.netstack4j.tcp.cc.IdlePolicy;
import org.netstack4j.tcp.cc.ReductionBase;

/**
 * Where the RFCs leave a choice, a named profile decides. {@link #LINUX} (the default) reproduces Linux's
 * observable defaults, so that packetdrill scripts and kernel peers see what they expect; {@link #RFC} uses
 * the values the RFCs recommend. docs/tcp-profiles.md lists the differences.
 *
 * @param name                 "linux" or "rfc"
 * @param minRto               lower bound of the retransmission timeout (Linux 200 ms; RFC 6298 2.4: 1 s)
 * @param initialRto           RTO before any RTT sample (RFC 6298 2.1: 1 s)
 * @param maxRto               upper bound of the RTO (Linux TCP_RTO_MAX 120 s; RFC 6298 2.5 allows a maximum)
 * @param delayedAck           how long an ACK may be delayed (Linux starts at 40 ms; RFC 9293 3.8.6.3: under 0.5 s, 200 ms typical)
 * @param quickAcks            segments acknowledged at once at the start of a connection (Linux quick-ack mode)
 * @param initialWindow        initial congestion window in segments (RFC 6928: 10)
 * @param synRetries           SYN retransmissions before ETIMEDOUT (Linux tcp_syn_retries 6)
 * @param synAckRetries        SYN-ACK retransmissions (Linux tcp_synack_retries 5)
 * @param dataRetries          data retransmissions before ETIMEDOUT (Linux tcp_retries2 15)
 * @param msl                  maximum segment lifetime; TIME-WAIT lasts 2 MSL (Linux: TIME-WAIT is 60 s)
 * @param finWait2Timeout      how long an orphaned FIN-WAIT-2 connection waits (Linux tcp_fin_timeout 60 s)
 * @param keepaliveIdle        idle time before the first keep-alive probe (Linux 7200 s)
 * @param keepaliveInterval    time between probes (Linux 75 s)
 * @param keepaliveProbes      unanswered probes before ETIMEDOUT (Linux 9)
 * @param congestionControl    the default congestion control (Linux net.ipv4.tcp_congestion_control: cubic)
 * @param idlePolicy           cwnd after idle: Linux's restart window, or RFC 7661 congestion window validation
 * @param sack                 offer and use SACK (RFC 2018, RFC 6675; Linux net.ipv4.tcp_sack = 1)
 * @param tailLossProbe        send a tail loss probe before the RTO fires (RFC 8985 section 7; Linux does)
 * @param proportionalRateReduction during fast recovery send per ACK what Proportional Rate Reduction with the
 *                             slow-start reduction bound allows (RFC 6937; Linux does) instead of RFC 6675's
 *                             cwnd = ssthresh and RFC 6582's window inflation
 * @param rack                 with SACK, detect losses by time, RACK (RFC 8985 section 6; Linux's default,
 *                             net.ipv4.tcp_recovery = 1), instead of RFC 6675's DupThresh rule (IsLost and the
 *                             third duplicate ACK)
 * @param reductionBase        what ssthresh is taken from on a loss, a timeout or an ECN-Echo: FlightSize
 *                             (RFC 5681 3.1 eq. 4, RFC 9438 4.6) or cwnd (Linux: tcp_reno_ssthresh, CUBIC's
 *                             recalc_ssthresh, also on a timeout through tcp_enter_loss); see {@link ReductionBase}
 * @param dsackUndo            with SACK, undo a reduction of fast recovery or a timeout once D-SACKs (RFC 2883)
 *                             report every retransmission of it as a duplicate (RFC 3708, Experimental; Linux's
 *                             tcp_try_undo_dsack), see {@link ReductionUndo}
 * @param robustness           challenge ACK limits, SYN cookies, ECN and path MTU settings
 */
public record TcpProfile(String name, Duration minRto, Duration initialRto, Duration maxRto, Duration delayedAck,
                         int quickAcks, int initialWindow, int synRetries, int synAckRetries, int dataRetries,
                         Duration msl, Duration finWait2Timeout, Duration keepaliveIdle, Duration keepaliveInterval,
                         int keepaliveProbes, CongestionControlKind congestionControl, IdlePolicy idlePolicy,
                         boolean sack, boolean tailLossProbe, boolean proportionalRateReduction,
                         boolean rack, ReductionBase reductionBase, boolean dsackUndo, TcpRobustness robustness) {

    /** Linux's observable defaults. */
    public static final TcpProfile LINUX = new TcpProfile("linux", Duration.ofMillis(200), Duration.ofSeconds(1),
            Duration.ofSeconds(120), Duration.ofMillis(40), 16, 10, 6, 5, 15, Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(7200), Duration.ofSeconds(75), 9, CongestionControlKind.CUBIC,
            IdlePolicy.RESTART_WINDOW, true, true, true, true, ReductionBase.CWND, true, TcpRobustness.LINUX);

    /** RFC-recommended values. */
    public static final TcpProfile RFC = new TcpProfile("rfc", Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofMillis(200), 0, 10, 6, 5, 15, Duration.ofMinutes(2),
            Duration.ofSeconds(60), Duration.ofSeconds(7200), Duration.ofSeconds(75), 9, CongestionControlKind.RENO,
            IdlePolicy.NEW_CWV, true, false, false, false, ReductionBase.FLIGHT_SIZE, false, TcpRobustness.RFC);

    /** The profile called {@code name}; IllegalArgumentException naming the known ones otherwise. */
    public static TcpProfile named(String name) {
        return switch (name) {
            case "linux" -> LINUX;
            case "rfc" -> RFC;
            default -> throw new IllegalArgumentException("unknown TCP profile '" + name + "'; known: linux, rfc");
        };
    }

    /** True for the Linux profile (and copies of it): where Linux and an RFC differ, do as Linux. */
    public boolean isLinux() {
        return name.equals("linux");
    }

    /**
     * What a retransmission timeout does to CUBIC's curve: Linux's reset (W_max forgotten) in the linux profile,
     * RFC 9438 4.8 otherwise.
     */
    public CubicTimeout cubicTimeout() {
        return isLinux() ? CubicTimeout.LINUX_RESET : CubicTimeout.RFC_9438;
    }

    /** This profile with another MSL (TIME-WAIT lasts twice as long). */
    public TcpProfile withMsl(Duration v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, v, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, sack, tailLossProbe, proportionalRateReduction, rack, reductionBase,
                dsackUndo, robustness);
    }

    /** This profile with another default congestion control. */
    public TcpProfile withCongestionControl(CongestionControlKind v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                v, idlePolicy, sack, tailLossProbe, proportionalRateReduction, rack, reductionBase, dsackUndo,
                robustness);
    }

    /** This profile with SACK offered and used, or not. */
    public TcpProfile withSack(boolean v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, v, tailLossProbe, proportionalRateReduction, rack, reductionBase,
                dsackUndo, robustness);
    }

    /** This profile with tail loss probes on or off. */
    public TcpProfile withTailLossProbe(boolean v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, sack, v, proportionalRateReduction, rack, reductionBase, dsackUndo,
                robustness);
    }

    /** This profile with Proportional Rate Reduction (RFC 6937) in fast recovery, or RFC 6675 / RFC 6582 without. */
    public TcpProfile withProportionalRateReduction(boolean v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, sack, tailLossProbe, v, rack, reductionBase, dsackUndo, robustness);
    }

    /** This profile with RACK loss detection (RFC 8985 section 6), or RFC 6675's DupThresh rule without. */
    public TcpProfile withRack(boolean v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, sack, tailLossProbe, proportionalRateReduction, v, reductionBase,
                dsackUndo, robustness);
    }

    /** This profile taking ssthresh on a congestion signal from {@code v}: FlightSize (the RFCs) or cwnd (Linux). */
    public TcpProfile withReductionBase(ReductionBase v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, sack, tailLossProbe, proportionalRateReduction, rack, v, dsackUndo,
                robustness);
    }

    /** This profile with other robustness settings (the sysctl-like knobs of {@link TcpRobustness}). */
    public TcpProfile withRobustness(TcpRobustness v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, sack, tailLossProbe, proportionalRateReduction, rack, reductionBase,
                dsackUndo, v);
    }

    /** This profile undoing a reduction that D-SACKs prove spurious (RFC 3708), or not. */
    public TcpProfile withDsackUndo(boolean v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, msl, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes,
                congestionControl, idlePolicy, sack, tailLossProbe, proportionalRateReduction, rack, reductionBase, v,
                robustness);
    }
}
