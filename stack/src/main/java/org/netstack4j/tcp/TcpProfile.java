package org.netstack4j.tcp;

import java.time.Duration;

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
 */
public record TcpProfile(String name, Duration minRto, Duration initialRto, Duration maxRto, Duration delayedAck,
                         int quickAcks, int initialWindow, int synRetries, int synAckRetries, int dataRetries,
                         Duration msl, Duration finWait2Timeout, Duration keepaliveIdle, Duration keepaliveInterval,
                         int keepaliveProbes) {

    /** Linux's observable defaults. */
    public static final TcpProfile LINUX = new TcpProfile("linux", Duration.ofMillis(200), Duration.ofSeconds(1),
            Duration.ofSeconds(120), Duration.ofMillis(40), 16, 10, 6, 5, 15, Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(7200), Duration.ofSeconds(75), 9);

    /** RFC-recommended values. */
    public static final TcpProfile RFC = new TcpProfile("rfc", Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofMillis(200), 0, 10, 6, 5, 15, Duration.ofMinutes(2),
            Duration.ofSeconds(60), Duration.ofSeconds(7200), Duration.ofSeconds(75), 9);

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

    /** This profile with another MSL (TIME-WAIT lasts twice as long). */
    public TcpProfile withMsl(Duration v) {
        return new TcpProfile(name, minRto, initialRto, maxRto, delayedAck, quickAcks, initialWindow, synRetries,
                synAckRetries, dataRetries, v, finWait2Timeout, keepaliveIdle, keepaliveInterval, keepaliveProbes);
    }
}
