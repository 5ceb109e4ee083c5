package org.netstack4j.tcp;

import static org.netstack4j.tcp.TcpState.*;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.ECE;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import org.netstack4j.collect.DeadlineHeap;
import org.netstack4j.socket.Errno;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.cc.CongestionControlKind;
import org.netstack4j.tcp.cc.ReductionBase;
import org.netstack4j.time.Pollable;
import org.netstack4j.wire.Ipv4Address;

/**
 * One TCP connection: the control block (its sender and receiver halves), the segment-arrival procedure of
 * RFC 9293 section 3.10.7.4 in the RFC's order, the user calls of section 3.10 and the timers. State changes
 * go through {@link #transition}, which consults {@link TcpTransitions} and reports a {@link TcpTraceEvent}.
 * Owned by the stack's thread. It is an entry of the TCP layer's timer heap, which keeps its place in it here.
 */
public final class TcpConnection extends DeadlineHeap.Entry {
    final TcpLayer layer;
    final TcpProfile profile;
    final int localIp;
    final int localPort;
    final int remoteIp;
    final int remotePort;
    final TcpSender snd;
    final TcpReceiver rcv;
    /** ECN state (RFC 3168). */
    final Ecn ecn = new Ecn();
    TcpState state = CLOSED;
    /** The listener this connection was born from (passive open), until accepted. */
    TcpListener parent;
    /** A pending error for the user: ECONNREFUSED, ECONNRESET, ETIMEDOUT. */
    Errno error;
    /** Code that serves this connection on the stack's thread, told of every readiness change; null for none. */
    StreamHandler handler;
    /** Signalled whenever this connection may have changed readiness (blocked callers wait on it). */
    org.netstack4j.stack.ReadinessSignal readinessSignal;
    /** The user set SO_SNDBUF (here or on the listener): no send-buffer autotuning (Linux SOCK_SNDBUF_LOCK). */
    boolean sendBufferLocked;
    /** The user set SO_RCVBUF (here or on the listener): no receive-buffer autotuning (SOCK_RCVBUF_LOCK). */
    boolean receiveBufferLocked;
    /** Receive-buffer autotuning (linux profile); null where the layer has no tcp_rmem[2] to grow to. */
    private final ReceiveBufferTuning receiveTuning;
    /** An ACK is due when the current batch of frames is done (see {@link TcpLayer#ackAtEndOfBatch}). */
    boolean ackAtEndOfBatch;
    /** This connection waits in the layer's notification queue (so it is queued once per batch). */
    boolean notificationQueued;
    /** The connection ended by reset or timeout (reads fail, writes fail). */
    boolean reset;
    /** The user closed the socket: nobody will read; the connection finishes on its own. */
    boolean orphaned;
    /** shutdown(SHUT_RD). */
    boolean readShutdown;
    // Options.
    boolean noDelay;
    boolean keepAlive;
    long keepIdle;
    long keepInterval;
    int keepProbes;
    boolean lingerZero;
    /** RFC 6675 loss recovery and the tail loss probe; used when {@link #sackPermitted}. */
    final SackRecovery sackRecovery;
    /** TCP_MAXSEG set before connect: caps the MSS we announce and the segments we send; 0 for none. */
    int userMss;
    // Timers: absolute deadlines on the stack clock, NEVER when off.
    long retransmitAt = Pollable.NEVER;
    /** Tail loss probe (RFC 8985 section 7). */
    long probeAt = Pollable.NEVER;
    /** RACK's reordering timer (RFC 8985 section 6.3). */
    long reorderAt = Pollable.NEVER;
    long persistAt = Pollable.NEVER;
    int persistBackoff;
    long delayedAckAt = Pollable.NEVER;
    long keepaliveAt = Pollable.NEVER;
    int keepaliveSent;
    long timeWaitAt = Pollable.NEVER;
    long finWait2At = Pollable.NEVER;
    private boolean released;
    /** When the last out-of-window or challenge ACK was sent (Linux last_oow_ack_time); for their rate limit. */
    private long lastInvalidAck = Long.MIN_VALUE / 2;
    /** Time of the last segment received, for keep-alive. */
    long lastReceived;
    /** The last ICMP soft error (RFC 1122 4.2.3.9): reported instead of ETIMEDOUT if the connection times out. */
    Errno softError;
    /** The MSS the peer announced, bounded by our MTU and TCP_MAXSEG: the ceiling for path MTU changes. */
    private int mssCeiling = 536;
    // Negotiated options (RFC 7323, RFC 2018): both SYNs carried the option.
    /** Timestamps are in use (RFC 7323 3.2). */
    boolean timestamps;
    /** The peer sent SACK-permitted and so did we (RFC 2018 2): we send SACK blocks, the peer may too. */
    boolean sackPermitted;
    /** What our SYN offers (or offered): timestamps, SACK-permitted, our window shift (-1: no window scaling). */
    final boolean offerTimestamps;
    final boolean offerSack;
    final int offerWscale;
    /** Added to the 1 ms clock for our TSvals: per four-tuple, so it does not reveal uptime (RFC 7323 7.1). */
    final int tsOffset;
    /** TS.Recent and when it was last set (RFC 7323 4.3, 5.5); Last.ACK.sent (RFC 7323 4.3). */
    int tsRecent;
    long tsRecentAt;
    int lastAckSent;
    // Statistics for TCP_INFO.
    long lastDataSentAt = -1;
    long lastDataReceivedAt = -1;
    long segsIn;
    long segsOut;
    long bytesAcked;
    long bytesReceived;

    TcpConnection(TcpLayer layer, int localIp, int localPort, int remoteIp, int remotePort, int rcvBuf, int sndBuf) {
        this.layer = layer;
        layer.remember(this);
        this.profile = layer.profile();
        this.localIp = localIp;
        this.localPort = localPort;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.snd = new TcpSender(profile, sndBuf);
        this.rcv = new TcpReceiver(rcvBuf, profile.quickAcks(), layer.alloc());
        this.sackRecovery = new SackRecovery(this);
        this.keepIdle = profile.keepaliveIdle().toNanos();
        this.keepInterval = profile.keepaliveInterval().toNanos();
        this.keepProbes = profile.keepaliveProbes();
        this.lastReceived = layer.now();
        this.offerTimestamps = layer.offersTimestamps();
        this.offerSack = layer.offersSack() && profile.sack();
        this.offerWscale = layer.offersWindowScale() ? layer.windowShiftFor(rcvBuf) : -1;
        this.tsOffset = layer.timestampOffset(localIp, localPort, remoteIp, remotePort);
        // Linux's dynamic right-sizing grows the buffer up to tcp_rmem[2]; the rfc profile keeps its buffer.
        this.receiveTuning = profile.isLinux() && layer.maxReceiveBuffer() > rcvBuf
                ? new ReceiveBufferTuning(layer.maxReceiveBuffer()) : null;
    }

    /** The payload of a full-sized segment from the peer: our MSS less the timestamps option if in use. */
    private int fullSegmentIn() {
        return rcv.mss - (timestamps ? SegmentOptions.TIMESTAMPS_LENGTH : 0);
    }

    /** Our timestamp clock: 1 ms ticks of the stack clock (RFC 7323 5.4 allows 1 ms to 1 s), plus the offset. */
    int tsNow() {
        return (int) (layer.now() / 1_000_000L) + tsOffset;
    }

    // ---------------------------------------------------------------- state

    /** Moves along the arrow for {@code event}; the table rejects arrows the RFC does not have. */
    void transition(TcpEvent event) {
        TcpState from = state;
        state = TcpTransitions.next(from, event);
        layer.trace(this, from, state, event.name());
        if (state == TIME_WAIT) {
            stopTimersExceptTimeWait();
            timeWaitAt = layer.now() + 2 * profile.msl().toNanos();
        }
        if (state == FIN_WAIT_2 && orphaned) {
            finWait2At = layer.now() + profile.finWait2Timeout().toNanos();
        }
        if (state == CLOSED) {
            stopTimersExceptTimeWait();
            timeWaitAt = Pollable.NEVER;
            layer.closed(this);
        }
        if (state == ESTABLISHED) {
            // SO_KEEPALIVE set before the handshake completed (before connect(), or inherited from the listener)
            // could not arm the timer then; arm it now, or an idle connection would never probe (RFC 1122 4.2.3.6).
            armKeepalive();
        }
        layer.signal(this);
        layer.reschedule(this);
    }

    void stopTimersExceptTimeWait() {
        retransmitAt = Pollable.NEVER;
        probeAt = Pollable.NEVER;
        reorderAt = Pollable.NEVER;
        persistAt = Pollable.NEVER;
        delayedAckAt = Pollable.NEVER;
        keepaliveAt = Pollable.NEVER;
        finWait2At = Pollable.NEVER;
    }

    // ---------------------------------------------------------------- opens

    /** Active open (RFC 9293 3.10.1): send SYN, enter SYN-SENT. */
    void connect(int iss) {
        snd.iss = iss;
        snd.una = iss;
        snd.nxt = iss + 1;
        snd.max = iss + 1;
        snd.recover = iss; // RFC 6582 3.2 step 1
        snd.cc.reset(snd.mss);
        rcv.mss = userMss > 0 ? Math.min(userMss, layer.ourMss()) : layer.ourMss();
        ecn.requested = profile.robustness().ecn() == 1;
        transition(TcpEvent.ACTIVE_OPEN);
        layer.sendSyn(this, false);
        timeSyn();
        startRetransmitTimer();
    }

    /** Passive open of a connection born from a listener's SYN (RFC 9293 3.10.7.2): send SYN-ACK. */
    void acceptSyn(TcpListener listener, TcpInput seg, int iss) {
        segsIn++;
        parent = listener;
        state = LISTEN;
        rcv.irs = seg.seq;
        rcv.nxt = seg.seq + 1;
        rcv.advertisedRight = rcv.nxt;
        rcv.mss = layer.ourMss();
        snd.iss = iss;
        snd.una = iss;
        snd.nxt = iss + 1;
        snd.max = iss + 1;
        snd.recover = iss; // RFC 6582 3.2 step 1
        negotiateOptions(seg);
        applyMss(seg);
        snd.cc.reset(snd.mss);
        snd.wnd = seg.window;
        snd.maxWnd = seg.window;
        snd.wl1 = seg.seq;
        snd.wl2 = iss;
        // RFC 3168 6.1.1: accept an ECN-setup SYN unless ECN is off (tcp_ecn 1 and 2 both accept).
        ecn.ok = profile.robustness().ecn() != 0 && Ecn.isSetupSyn(seg.flags);
        transition(TcpEvent.RCV_SYN);
        layer.sendSyn(this, true);
        timeSyn();
        startRetransmitTimer();
    }

    /**
     * Times our SYN or SYN,ACK, so that the handshake gives the first RTT sample and the first data RTO follows
     * the path instead of staying at the initial 1 s (RFC 6298 2.2; Linux measures the handshake too). A
     * retransmitted SYN cancels the measurement (Karn, RFC 6298 3).
     */
    private void timeSyn() {
        snd.timing = true;
        snd.timedSeq = snd.iss;
        snd.timedAt = layer.now();
    }

    /**
     * Passive open from a returning SYN cookie: the state the SYN,ACK would have created is rebuilt from the ACK
     * ({@code seg}: SEQ = IRS + 1, ACK = ISS + 1), the MSS the cookie carried and, when the handshake used
     * timestamps, the {@code options} its TSecr brought back (null: none, so no window scaling, SACK or ECN);
     * the ACK is then processed as the one that completes the handshake (RFC 9293 3.10.7.4), with any data it
     * carries.
     */
    void acceptCookie(TcpListener listener, TcpInput seg, int cookieMss, SynCookies.TimestampBits options) {
        parent = listener;
        state = LISTEN;
        rcv.irs = seg.seq - 1;
        rcv.nxt = seg.seq;
        rcv.advertisedRight = rcv.nxt;
        rcv.mss = layer.ourMss();
        if (options != null) {
            // What negotiateOptions would have decided from the SYN (the layer checked these are still offered).
            timestamps = true;
            tsRecent = seg.tsVal;
            tsRecentAt = layer.now();
            sackPermitted = options.sackPermitted();
            rcv.wscaleOk = offerWscale >= 0 && options.windowScale() >= 0;
            rcv.wscale = rcv.wscaleOk ? offerWscale : 0;
            snd.wscale = rcv.wscaleOk ? options.windowScale() : 0;
            ecn.ok = options.ecn() && profile.robustness().ecn() != 0;
        }
        lastAckSent = rcv.nxt; // the SYN,ACK acknowledged the SYN
        rcv.window(); // what the cookie's SYN,ACK offered: the whole receive buffer
        snd.iss = seg.ack - 1;
        snd.una = snd.iss;
        snd.nxt = snd.iss + 1;
        snd.max = snd.iss + 1;
        snd.recover = snd.iss; // RFC 6582 3.2 step 1
        applyMss(cookieMss);
        snd.cc.reset(snd.mss);
        snd.wnd = seg.window;
        snd.maxWnd = seg.window;
        transition(TcpEvent.RCV_SYN);
        arrive(seg);
    }

    private void applyMss(TcpInput seg) {
        applyMss(seg.mss);
    }

    private void applyMss(int peerMss) {
        // RFC 9293 3.7.1: without the option assume 536; never more than our MTU allows.
        int peer = peerMss > 0 ? peerMss : 536;
        int cap = userMss > 0 ? Math.min(userMss, layer.ourMss()) : layer.ourMss();
        // RFC 6691: the MSS counts no options, so the timestamps every segment carries come off it (Linux mss_cache).
        mssCeiling = Math.max(64, Math.min(peer, cap)) - optionsOnEverySegment();
        snd.mss = Math.min(mssCeiling, layer.pathMss(remoteIp) - optionsOnEverySegment());
    }

    // ---------------------------------------------------------------- ICMP (RFC 1122 4.2.3.9, RFC 5927)

    /** RFC 5927 4.1 (Linux too): an ICMP error must quote a sequence number we sent and is not yet acknowledged. */
    boolean quotesOutstanding(int seq) {
        return SeqNum.geq(seq, snd.una) && SeqNum.lt(seq, snd.max);
    }

    /**
     * An ICMP error other than "fragmentation needed" for this connection. As Linux does: in SYN-SENT it ends the
     * connect (ECONNREFUSED for port unreachable, EHOSTUNREACH, ...); a half-open passive connection is dropped
     * quietly; an established one only remembers it as a soft error (RFC 1122 4.2.3.9: "MUST NOT abort" for
     * soft errors; Linux treats the hard codes the same way once connected), reported if it times out.
     */
    void icmpError(Errno errno) {
        switch (state) {
            case SYN_SENT -> {
                error = errno;
                reset = true;
                transition(TcpEvent.ABORT);
            }
            case SYN_RECEIVED -> {
                if (parent != null) {
                    transition(TcpEvent.RETURN_TO_LISTEN);
                    layer.dropEmbryo(this);
                } else {
                    softError = errno;
                }
            }
            default -> softError = errno;
        }
    }

    /**
     * The path to the peer got a smaller MTU (RFC 1191 6.4): segments shrink to fit, and what was sent in too
     * large segments is sent again at once, without a congestion response, since the loss was not congestion
     * (as Linux tcp_simple_retransmit).
     */
    void pathMtuLowered(int mtu) {
        int mss = Math.min(mssCeiling, mtu - 40 - optionsOnEverySegment());
        if (mss >= snd.mss) {
            return;
        }
        snd.mss = mss;
        snd.cc.setMss(mss);
        if (!state.synchronizedState() || state == TIME_WAIT || snd.una == snd.max || !SeqNum.gt(snd.una, snd.iss)) {
            return;
        }
        snd.timing = false; // Karn: what follows is sent twice
        snd.nxt = snd.una;
        snd.finSent = false;
        layer.trace(this, state, state, "PMTU_RETRANSMIT");
        output();
        layer.reschedule(this);
    }

    private Errno timeoutError() {
        return softError != null ? softError : Errno.ETIMEDOUT;
    }

    /** Option bytes every segment of this connection carries: the timestamps once negotiated (RFC 7323 3). */
    private int optionsOnEverySegment() {
        return timestamps ? SegmentOptions.TIMESTAMPS_LENGTH : 0;
    }

    /**
     * The peer's SYN (or SYN-ACK) decides which options are in use: each needs both SYNs to carry it (RFC 7323
     * 2.2 and 3.2, RFC 2018 2). A shift above 14 is taken as 14 (RFC 7323 2.3).
     */
    private void negotiateOptions(TcpInput syn) {
        timestamps = offerTimestamps && syn.hasTimestamps;
        sackPermitted = offerSack && syn.sackPermitted;
        rcv.wscaleOk = offerWscale >= 0 && syn.wscale >= 0;
        rcv.wscale = rcv.wscaleOk ? offerWscale : 0;
        snd.wscale = rcv.wscaleOk ? Math.min(syn.wscale, TcpReceiver.MAX_WSCALE) : 0;
        if (timestamps) {
            tsRecent = syn.tsVal;
            tsRecentAt = layer.now();
        }
    }

    // ---------------------------------------------------------------- segment arrival

    /** Linux's TCP_TIMEOUT_MIN (2 jiffies): how soon the SYN is resent after an unacceptable ACK in SYN-SENT. */
    private static final long SYN_SENT_BAD_ACK_RETRY = 2_000_000L;

    /** RFC 9293 3.10.7.3: a segment arrives in SYN-SENT. */
    private void synSentArrival(TcpInput seg) {
        boolean ackOk = false;
        if (seg.has(ACK)) {
            // "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set)".
            if (SeqNum.leq(seg.ack, snd.iss) || SeqNum.gt(seg.ack, snd.nxt)) {
                if (!seg.has(RST)) {
                    layer.sendReset(localIp, localPort, remoteIp, remotePort, seg.ack, 0, false);
                }
                if (profile.isLinux() && snd.retransmits == 0) {
                    // Linux (tcp_rcv_synsent_state_process): the peer may have lost our SYN's real answer, so
                    // the SYN goes again after TCP_TIMEOUT_MIN instead of a whole RTO, once per connection.
                    retransmitAt = layer.now() + SYN_SENT_BAD_ACK_RETRY;
                    layer.reschedule(this);
                }
                return;
            }
            ackOk = true;
        }
        if (seg.has(RST)) {
            if (ackOk) {
                error = Errno.ECONNREFUSED;
                reset = true;
                transition(TcpEvent.RCV_RST);
            }
            return;
        }
        if (!seg.has(SYN)) {
            return;
        }
        rcv.irs = seg.seq;
        rcv.nxt = seg.seq + 1;
        rcv.advertisedRight = rcv.nxt;
        negotiateOptions(seg);
        applyMss(seg);
        snd.cc.reset(snd.mss);
        if (ackOk) {
            snd.una = seg.ack;
            if (!sampleRtt(seg.ack)) {
                sampleTimestampRtt(seg); // the SYN-ACK echoes our SYN's TSval (RFC 7323 4.1)
            }
        }
        ecn.ok = ackOk && ecn.requested && Ecn.isSetupSynAck(seg.flags);
        snd.wnd = seg.window;
        snd.maxWnd = Math.max(snd.maxWnd, seg.window);
        snd.wl1 = seg.seq;
        snd.wl2 = seg.ack;
        if (SeqNum.gt(snd.una, snd.iss)) {
            retransmitAt = Pollable.NEVER;
            snd.retransmits = 0;
            startDataRto();
            transition(TcpEvent.RCV_SYN_ACK);
            if (seg.payloadLength > 0 || seg.has(FIN)) {
                // RFC 9293 3.10.7.3: "If there are other controls or text in the segment, then continue
                // processing at the sixth step ... where the URG bit is checked". The text starts after the SYN.
                seg.flags &= ~SYN;
                seg.seq += 1;
                rcv.window(); // the window our SYN offered, now anchored at IRS+1
                processTextAndFin(seg);
                if (state == ESTABLISHED || state == CLOSE_WAIT) {
                    sendAck(); // processTextAndFin may have delayed it; the handshake's ACK goes now
                }
            } else {
                sendAck();
            }
            output();
            layer.reschedule(this);
        } else {
            // Simultaneous open: answer with SYN,ACK carrying our ISS (RFC 9293 3.10.7.3, "Otherwise...").
            transition(TcpEvent.RCV_SIMULTANEOUS_SYN);
            layer.sendSyn(this, true);
            startRetransmitTimer();
        }
    }

    /** RFC 9293 3.10.7.4: a segment arrives in a synchronized state (or SYN-RECEIVED). */
    void arrive(TcpInput seg) {
        lastReceived = layer.now();
        segsIn++;
        keepaliveSent = 0;
        if (state == SYN_SENT) {
            synSentArrival(seg);
            return;
        }
        if (rcv.wscaleOk && !seg.has(SYN)) {
            // RFC 7323 2.3: every window but a SYN's is shifted; 65535 << 14 still fits an int.
            seg.window <<= snd.wscale;
        }
        if (state == TIME_WAIT && seg.has(SYN) && !seg.has(ACK) && !seg.has(RST)) {
            layer.reopenFromTimeWait(this, seg);
            return;
        }
        if (timestamps && seg.hasTimestamps && !seg.has(RST) && pawsRejects(seg)) {
            // RFC 7323 5.3 R1: an old timestamp marks an old duplicate; treat it as unacceptable (ACK and drop).
            layer.count(Counter.TCP_PAWS_ESTAB_REJECTED);
            if (seg.has(SYN)) {
                layer.sendChallengeAck(this);
            } else {
                answerUnacceptable(seg, seg.payloadLength + (seg.has(FIN) ? 1 : 0));
            }
            return;
        }
        if (state == SYN_RECEIVED && parent == null && seg.has(SYN) && seg.has(ACK) && !seg.has(RST)
                && seg.seq == rcv.irs && seg.ack == snd.nxt) {
            // Simultaneous open, RFC 9293 3.5 Figure 8 line 6: the peer's SYN,ACK repeats its SYN (SEQ=IRS) and
            // acknowledges ours, and must move us to ESTABLISHED. Taken literally the acceptability test would
            // drop it as a duplicate (and the SYN rule answer a challenge ACK); like Linux, strip the repeated SYN
            // and handle the rest, which starts at IRS+1, as the ACK of our SYN.
            seg.flags &= ~SYN;
            seg.seq += 1;
        }
        int segLen = seg.payloadLength + (seg.has(SYN) ? 1 : 0) + (seg.has(FIN) ? 1 : 0);
        int wnd = rcv.offered();
        // First: check the sequence number (the four cases of the acceptability test).
        boolean acceptable;
        if (segLen == 0) {
            acceptable = wnd == 0 ? seg.seq == rcv.nxt : SeqNum.inRange(seg.seq, rcv.nxt, rcv.nxt + wnd);
        } else if (wnd == 0) {
            acceptable = false;
        } else {
            acceptable = SeqNum.inRange(seg.seq, rcv.nxt, rcv.nxt + wnd)
                    || SeqNum.inRange(seg.seq + segLen - 1, rcv.nxt, rcv.nxt + wnd);
        }
        boolean zeroWindowProbe = !acceptable && wnd == 0 && seg.seq == rcv.nxt;
        if (!acceptable && !zeroWindowProbe) {
            if (seg.has(RST)) {
                return; // RFC 5961 3.2: a RST outside the window is dropped silently
            }
            if (seg.has(SYN) && !seg.has(ACK) && state == SYN_RECEIVED && parent != null && seg.seq == rcv.irs) {
                // The peer retransmitted its SYN: our SYN,ACK was lost. Like Linux, resend it at once, within
                // the per-connection limit (TCPACKSkippedSynRecv), instead of a bare ACK it cannot use.
                if (!invalidRateLimited(Counter.TCP_ACK_SKIPPED_SYN_RECV)) {
                    snd.timing = false; // Karn: the SYN,ACK is sent twice now
                    layer.sendSyn(this, true);
                }
                return;
            }
            if (seg.has(SYN) && state.synchronizedState() && state != TIME_WAIT) {
                // RFC 5961 4.2: a SYN draws a challenge ACK "irrespective of the sequence number".
                layer.count(Counter.TCP_SYN_CHALLENGE);
                layer.sendChallengeAck(this);
                return;
            }
            // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply (unless the
            // RST bit is set)" — also what keeps TIME-WAIT answering retransmitted FINs below.
            if (!seg.has(RST) && answerUnacceptable(seg, segLen)) {
                if (state == TIME_WAIT && seg.has(FIN)) {
                    // A retransmitted FIN: the ACK above answers it; restart the 2 MSL wait (RFC 9293 3.10.7.4).
                    timeWaitAt = layer.now() + 2 * profile.msl().toNanos();
                    layer.reschedule(this);
                }
            }
            return;
        }
        if (timestamps && seg.hasTimestamps && SeqNum.leq(seg.seq, lastAckSent) && seg.tsVal - tsRecent >= 0) {
            // RFC 7323 4.3 (R3 of 5.3): remember the timestamp to echo, from segments that are not ahead of our ACK.
            tsRecent = seg.tsVal;
            tsRecentAt = layer.now();
        }
        if (zeroWindowProbe) {
            // A zero window accepts no text, but ACKs, URGs and RSTs are still processed (RFC 9293 3.10.7.4).
            seg.payloadLength = 0;
            seg.flags &= ~FIN;
        }
        // Second: the RST bit. RFC 9293 (with RFC 5961 3.2): reset only on an exact match of RCV.NXT,
        // otherwise a challenge ACK.
        if (seg.has(RST)) {
            if (seg.seq != rcv.nxt) {
                layer.sendChallengeAck(this);
                return;
            }
            switch (state) {
                case SYN_RECEIVED -> {
                    if (parent != null) {
                        transition(TcpEvent.RETURN_TO_LISTEN);
                        layer.dropEmbryo(this);
                    } else {
                        error = Errno.ECONNREFUSED;
                        reset = true;
                        transition(TcpEvent.RCV_RST);
                    }
                }
                case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
                    error = Errno.ECONNRESET;
                    reset = true;
                    discardQueues();
                    transition(TcpEvent.RCV_RST);
                }
                case CLOSING, LAST_ACK -> {
                    reset = true;
                    transition(TcpEvent.RCV_RST);
                }
                default -> {
                    // TIME-WAIT: RFC 1337, ignore.
                }
            }
            return;
        }
        // Third: security (not implemented, as in most stacks). Fourth: the SYN bit.
        if (seg.has(SYN)) {
            if (state == SYN_RECEIVED && parent != null) {
                transition(TcpEvent.RETURN_TO_LISTEN);
                layer.dropEmbryo(this);
                return;
            }
            // RFC 9293 3.10.7.4 (RFC 5961 4.2): a SYN in a synchronized state draws a challenge ACK.
            layer.count(Counter.TCP_SYN_CHALLENGE);
            layer.sendChallengeAck(this);
            return;
        }
        // Fifth: the ACK field.
        if (!seg.has(ACK)) {
            return;
        }
        boolean handshakeDone = false;
        if (state == SYN_RECEIVED) {
            if (SeqNum.lt(snd.una, seg.ack) && SeqNum.leq(seg.ack, snd.max)) {
                if (parent != null && !parent.hasRoomToAccept()) {
                    // Accept queue full: like Linux, ignore the ACK; the SYN-ACK will be retransmitted.
                    layer.count(Counter.TCP_LISTEN_OVERFLOWS);
                    return;
                }
                snd.wnd = seg.window;
                snd.maxWnd = Math.max(snd.maxWnd, seg.window);
                snd.wl1 = seg.seq;
                snd.wl2 = seg.ack;
                transition(TcpEvent.RCV_ACK_OF_SYN);
                handshakeDone = true;
                if (parent != null) {
                    parent.established(this);
                }
                // Fall through to normal ACK processing of the same segment.
            } else {
                layer.sendReset(localIp, localPort, remoteIp, remotePort, seg.ack, 0, false);
                return;
            }
        }
        boolean ackOk = processAck(seg);
        if (handshakeDone) {
            startDataRto(); // after processAck, which may have taken the handshake's RTT sample
        }
        if (!ackOk) {
            return;
        }
        if (ecn.onArrival(seg.flags, seg.ce)) {
            // Congestion on the way to us: get the ECE to the sender without the delayed-ACK wait (as Linux does).
            rcv.quickAcks = Math.max(rcv.quickAcks, 1);
            rcv.interactive = false; // Linux tcp_enter_quickack_mode leaves pingpong mode too
        }
        processTextAndFin(seg);
        output();
        layer.reschedule(this);
    }

    /** RFC 9293 3.10.7.4 steps six to eight: URG, the segment text, the FIN bit. */
    private void processTextAndFin(TcpInput seg) {
        // Sixth: URG (ignored, RFC 6093 discourages its use). Seventh: the segment text.
        if (seg.payloadLength > 0 && state.receivesData()) {
            receiveText(seg);
        }
        // Eighth: the FIN bit, once everything before it has arrived. A FIN ahead of missing data waits for it.
        boolean finInOrder = seg.has(FIN) && seg.seq + seg.payloadLength == rcv.nxt;
        if (!finInOrder && seg.has(FIN) && !rcv.finReceived && state.receivesData() && !readShutdown
                && SeqNum.gt(seg.seq + seg.payloadLength, rcv.nxt)) {
            rcv.finPending = true;
            rcv.pendingFinSeq = seg.seq + seg.payloadLength;
            if (seg.payloadLength == 0) {
                sendAck(); // a duplicate ACK with SACK, as for out-of-order data
            }
        }
        // The data this segment brought filled the hole before a waiting FIN: like Linux once its out-of-order
        // queue drains (tcp_data_queue), the ACK of data and FIN leaves at once.
        boolean holeFilled = !finInOrder && rcv.finPending && rcv.pendingFinSeq == rcv.nxt;
        finInOrder |= holeFilled;
        if (finInOrder && !rcv.finReceived) {
            rcv.finReceived = true;
            rcv.finPending = false;
            rcv.nxt += 1;
            boolean passiveClose = state == ESTABLISHED;
            switch (state) {
                case ESTABLISHED -> transition(TcpEvent.RCV_FIN);
                case FIN_WAIT_1 -> transition(finAcked() ? TcpEvent.RCV_FIN_ACK_OF_FIN : TcpEvent.RCV_FIN);
                case FIN_WAIT_2 -> transition(TcpEvent.RCV_FIN);
                default -> {
                }
            }
            if (passiveClose && profile.isLinux()) {
                // Linux (tcp_fin) enters interactive mode on moving to CLOSE-WAIT: the ACK of the FIN is delayed
                // like data (RFC 9293 3.8.6.3) so that it can ride on the application's own FIN if it closes soon.
                // Before any data arrived Linux's ACK timeout (ato) is still 0 and the ACK leaves on the next
                // timer tick: here at once.
                rcv.interactive = true;
                if (lastDataReceivedAt >= 0 && !holeFilled) {
                    ackOrDelay(0);
                } else {
                    sendAck();
                }
            } else {
                sendAck();
            }
        } else if (seg.has(FIN) && state == TIME_WAIT) {
            // A retransmitted FIN: acknowledge it and restart the 2 MSL wait (RFC 9293 3.10.7.4).
            timeWaitAt = layer.now() + 2 * profile.msl().toNanos();
            layer.reschedule(this);
            sendAck();
        } else if (seg.has(FIN) && (state == CLOSE_WAIT || state == CLOSING || state == LAST_ACK)) {
            sendAck();
        }
    }

    /**
     * RFC 6191 2: may a SYN reopen this TIME-WAIT connection? With timestamps on both incarnations, the SYN's
     * TSval must be newer than TS.Recent (or equal, with a higher sequence number); otherwise its sequence number
     * must lie beyond RCV.NXT (RFC 9293 3.10.7.4, as before RFC 6191).
     */
    boolean synMayReopen(TcpInput syn) {
        if (timestamps && syn.hasTimestamps && offerTimestamps) {
            int newer = syn.tsVal - tsRecent;
            return newer > 0 || newer == 0 && SeqNum.gt(syn.seq, rcv.nxt);
        }
        return SeqNum.gt(syn.seq, rcv.nxt);
    }

    /**
     * RFC 7323 5.3 R1: true when the segment's TSval is older than TS.Recent. After 24 days of idleness TS.Recent
     * may have wrapped out of meaning (RFC 7323 5.5): it is replaced and the segment passes.
     */
    private boolean pawsRejects(TcpInput seg) {
        if (seg.tsVal - tsRecent >= 0) {
            return false;
        }
        if (layer.now() - tsRecentAt > PAWS_IDLE_LIMIT) {
            tsRecent = seg.tsVal;
            tsRecentAt = layer.now();
            return false;
        }
        return true;
    }

    /** RFC 7323 5.5: TS.Recent older than 24 days is invalid. */
    static final long PAWS_IDLE_LIMIT = java.time.Duration.ofDays(24).toNanos();

    /**
     * Answers an unacceptable segment with an ACK, reporting duplicate data below RCV.NXT as a D-SACK (RFC 2883
     * 4). Segments carrying data or a FIN are always answered (the sender waits for that ACK); empty ones and SYNs
     * fall under {@link #invalidRateLimited}. Returns true if an ACK was sent.
     */
    private boolean answerUnacceptable(TcpInput seg, int segLen) {
        boolean data = seg.payloadLength > 0 && !seg.has(SYN);
        // Only segments that could be part of an ACK loop (no sequence space, or a SYN) are rate limited, as in
        // Linux tcp_oow_rate_limited; TIME-WAIT always answers (a retransmitted FIN needs its ACK).
        boolean mayLoop = segLen == 0 || seg.has(SYN);
        if (mayLoop && state != TIME_WAIT && invalidRateLimited(Counter.TCP_ACK_SKIPPED_SEQ)) {
            return false;
        }
        if (data && SeqNum.lt(seg.seq, rcv.nxt)) {
            noteDuplicate(seg.seq, SeqNum.min(seg.seq + seg.payloadLength, rcv.nxt));
        }
        layer.count(Counter.TCP_OUT_OF_WINDOW);
        sendAck();
        return true;
    }

    /** Remembers duplicate data [left, right) for a D-SACK in the next ACK, when SACK is in use (RFC 2883). */
    private void noteDuplicate(int left, int right) {
        if (sackPermitted && SeqNum.lt(left, right)) {
            rcv.setDsack(left, right);
            layer.count(SeqNum.lt(left, rcv.nxt) ? Counter.TCP_DSACK_OLD_SENT : Counter.TCP_DSACK_OFO_SENT);
        }
    }

    /**
     * The per-connection limit on ACKs sent in reply to invalid segments (out-of-window duplicates and RFC 5961
     * challenges share it, as in Linux): at most one per tcp_invalid_ratelimit, so that two confused ends cannot
     * ping-pong ACKs forever (RFC 5961 7). True, and {@code skipped} counted, when this one must not be sent.
     */
    boolean invalidRateLimited(Counter skipped) {
        long now = layer.now();
        if (now - lastInvalidAck < profile.robustness().invalidRateLimit().toNanos()) {
            layer.count(skipped);
            return true;
        }
        lastInvalidAck = now;
        return false;
    }

    private boolean finAcked() {
        return snd.finSeqValid && SeqNum.gt(snd.una, snd.finSeq);
    }

    /** RFC 9293 3.10.7.4 "fifth, check the ACK field" for synchronized states; false to drop the segment. */
    private boolean processAck(TcpInput seg) {
        if (SeqNum.gt(seg.ack, snd.max)) {
            // Acknowledges something never sent: ACK and drop (RFC 9293 3.10.7.4); throttled like any challenge.
            layer.sendChallengeAck(this);
            return false;
        }
        // RFC 5961 5.2: acceptable only if SND.UNA - MAX.SND.WND =< SEG.ACK; otherwise discard the segment, data
        // and all, and send a (challenge) ACK. Like Linux, the window is also bounded by the data acknowledged so
        // far, so that early in a connection no ACK below ISS+1 passes.
        long maxWindow = Math.min(snd.maxWnd & 0xFFFF_FFFFL, bytesAcked);
        if (SeqNum.lt(seg.ack, snd.una) && (snd.una - seg.ack & 0xFFFF_FFFFL) > maxWindow) {
            layer.sendChallengeAck(this);
            return false;
        }
        boolean newData = SeqNum.gt(seg.ack, snd.una);
        if (newData) {
            int acked = seg.ack - snd.una;
            int flightBefore = snd.max - snd.una;
            int dataAcked = acked;
            if (snd.finSeqValid && SeqNum.gt(seg.ack, snd.finSeq)) {
                dataAcked -= 1;
            }
            if (snd.una == snd.iss) {
                dataAcked -= 1; // our SYN occupies the ISS (RFC 9293 3.3.1); it is not in the send queue
            }
            snd.queue.acknowledge(dataAcked);
            bytesAcked += dataAcked;
            snd.una = seg.ack;
            if (SeqNum.gt(snd.una, snd.nxt)) {
                // After a timeout moved SND.NXT back, an ACK may cover data sent before it.
                snd.nxt = snd.una;
                snd.finSent = finAcked();
            }
            // Karn's algorithm (RFC 6298 3 and 5.5): the backed-off RTO stays in force until a valid RTT sample
            // recomputes it; sample() forgets the back-off, an ACK of a retransmitted segment does not (Linux
            // resets icsk_backoff only in tcp_ack_update_rtt).
            if (!sampleRtt(seg.ack)) {
                sampleTimestampRtt(seg);
            }
            snd.retransmits = 0;
            persistBackoff = 0;
            // Send-buffer autotuning on every ACK of new data, with SACK as without (Linux tcp_new_space).
            expandSendBuffer();
            snd.ackDelivered = acked;
            if (sackPermitted) {
                sackRecovery.onNewAck(seg, acked, flightBefore);
            } else {
                onNewAck(acked, flightBefore);
            }
            // Recovery points once passed follow SND.UNA: left behind, a wrap-around comparison would find them
            // ahead again 2^31 bytes later and block fast recovery (and ECN) for the next 2^31.
            if (!snd.inRecovery && !snd.inLossRecovery && SeqNum.geq(snd.una, snd.recover)) {
                snd.recover = snd.una;
            }
            ecn.forgetPassed(snd.una);
            if (snd.una == snd.max) {
                retransmitAt = Pollable.NEVER;
            } else {
                retransmitAt = layer.now() + snd.rtt.rto();
            }
            layer.signal(this);
        } else if (sackPermitted) {
            snd.ackDelivered = 0;
            sackRecovery.onOldAck(seg, seg.ack == snd.una && seg.payloadLength == 0 && seg.window == snd.wnd
                    && !seg.has(FIN));
        } else if (seg.ack == snd.una && seg.payloadLength == 0 && seg.window == snd.wnd
                && snd.una != snd.max && !seg.has(FIN)) {
            snd.ackDelivered = 0; // without SACK, CWR counts only what is cumulatively acknowledged
            onDuplicateAck();
        }
        continueEcnReduction(newData || sackPermitted);
        if (seg.has(ECE) && ecn.ok) {
            // Congestion on the path (RFC 3168 6.1.2): whatever reduction is in force stands, even if D-SACKs later
            // show its retransmissions needless (Linux clears prior_ssthresh on an ECE); this ACK's own included.
            sackRecovery.keepReduction();
            // snd.recover is HighData at the start of fast recovery or of a timeout's recovery (RFC 6582 3.2).
            if (ecn.onEcho(snd.una, snd.max, SeqNum.lt(snd.una, snd.recover))) {
                onEcnCongestion();
                continueEcnReduction(newData || sackPermitted); // this ACK's delivery counts, as in Linux
            }
        }
        if (sackPermitted) {
            sackRecovery.undoIfSpurious(); // RFC 3708: after the D-SACKs and the ECE of this ACK were taken in
        }
        // Window update (RFC 9293 3.10.7.4): only from a segment newer than the last one used.
        if (SeqNum.lt(snd.wl1, seg.seq) || (snd.wl1 == seg.seq && SeqNum.leq(snd.wl2, seg.ack))) {
            snd.wnd = seg.window;
            snd.maxWnd = Math.max(snd.maxWnd, seg.window);
            snd.wl1 = seg.seq;
            snd.wl2 = seg.ack;
            if (snd.wnd > 0) {
                persistAt = Pollable.NEVER;
            }
        }
        if (finAcked()) {
            switch (state) {
                case FIN_WAIT_1 -> {
                    if (!(seg.has(FIN) && seg.seq + seg.payloadLength == rcv.nxt)) {
                        transition(TcpEvent.RCV_ACK_OF_FIN);
                    }
                }
                case CLOSING -> transition(TcpEvent.RCV_ACK_OF_FIN);
                case LAST_ACK -> {
                    transition(TcpEvent.RCV_ACK_OF_FIN);
                    return false;
                }
                default -> {
                }
            }
        }
        return state != CLOSED;
    }

    /** Congestion control on new data acknowledged (RFC 5681 3.1, RFC 6582 for leaving recovery). */
    private void onNewAck(int acked, int flightBefore) {
        if (snd.inRecovery) {
            if (SeqNum.geq(snd.una, snd.recover)) {
                // Full ACK (RFC 6582 3.2 step 6).
                snd.inRecovery = false;
                snd.prr.end();
                snd.cc.onExitRecovery(snd.max - snd.una, layer.now());
            } else if (profile.proportionalRateReduction()) {
                // Partial ACK with PRR (RFC 6937 section 3): what it delivered sets how much may follow; the next
                // hole is presumed lost and resent at once all the same (RFC 6582 3.2 step 5), counted in prr_out.
                int delivered = snd.prr.partialAck(acked, snd.mss);
                reduceRate(delivered, newRenoPipe() - Math.min(snd.mss, snd.flight()));
                retransmitFirst("FAST_RETRANSMIT");
            } else {
                // Partial ACK: retransmit the next hole at once and stay in recovery (RFC 6582 3.2 step 5).
                retransmitFirst("FAST_RETRANSMIT");
                snd.cc.onPartialAck(acked);
            }
        } else if (!snd.inCwr) {
            snd.cc.onAck(acked, layer.now(), snd.rtt.srtt(), flightBefore);
        }
        snd.dupAcks = 0;
    }

    /**
     * RFC 3168 6.1.2: an ECN-Echo is a congestion signal without a loss; reduce the window as for a loss (from
     * FlightSize, RFC 5681 equation 4, or cwnd as Linux's tcp_enter_cwr: {@link #reductionBase}) but retransmit
     * nothing. The one place congestion control hears of ECN.
     */
    private void onEcnCongestion() {
        ecn.reducedFrom = reductionBase();
        if (profile.proportionalRateReduction()) {
            // Linux's tcp_enter_cwr: ssthresh now, cwnd brought down by PRR as ACKs arrive (tcp_cwnd_reduction in
            // the CWR state), so that the reduction is spread over a round trip instead of a pause in sending.
            snd.cc.onCongestionEchoSpread(ecn.reducedFrom, layer.now());
            snd.prr.start(ecn.reducedFrom);
            snd.inCwr = true;
        } else {
            snd.cc.onCongestionEcho(ecn.reducedFrom, snd.max - snd.una, layer.now());
        }
        sackRecovery.endProbeEpisode(); // this window is reduced: a probe's verdict must not reduce it again
    }

    /**
     * Proportional Rate Reduction for an ECN-Echo's reduction (the linux profile; Linux's CWR state with
     * tcp_cwnd_reduction, RFC 6937 applied to ECN as its section 3 allows): each ACK that delivered data sets
     * cwnd = pipe + sndcnt, the first one at least one segment (Linux's "prr_out ? 0 : 1"); once SND.UNA reaches
     * the end of the window the reduction was made in, cwnd = ssthresh (tcp_end_cwnd_reduction). Fast recovery
     * starting meanwhile takes over the same PRR state ({@link #startFastRecovery}). {@code counts}: the ACK can
     * have delivered something (new data, or SACK blocks).
     */
    private void continueEcnReduction(boolean counts) {
        if (!snd.inCwr) {
            return;
        }
        if (snd.inRecovery) {
            snd.inCwr = false;
            return;
        }
        if (!ecn.reducing(snd.una)) {
            snd.inCwr = false;
            snd.prr.end();
            snd.cc.onExitRecovery(snd.max - snd.una, layer.now());
            return;
        }
        if (!counts || snd.ackDelivered <= 0) {
            return;
        }
        int pipe = sackPermitted ? snd.board.pipe() : snd.flight();
        int sndcnt = snd.prr.sendCount(snd.ackDelivered, pipe, snd.cc.ssthresh(), snd.mss);
        if (snd.prr.out() == 0) {
            sndcnt = Math.max(sndcnt, snd.mss);
        }
        snd.ackDelivered = 0; // counted once, also when the ECE of this ACK started the reduction
        snd.cc.setRecoveryWindow(pipe + sndcnt);
    }

    /**
     * What ssthresh is reduced from on a congestion signal, by the profile: FlightSize (RFC 5681 3.1 eq. 4,
     * RFC 9438 4.6) or cwnd (Linux). Read before this ACK changes cwnd: the window the loss happened in.
     */
    int reductionBase() {
        return profile.reductionBase().of(snd.cc.cwnd(), snd.max - snd.una);
    }

    /**
     * Fast recovery begins (with SACK or without; {@code inflate}: NewReno's window inflation without PRR). It
     * reduces the window (ssthresh from {@link #reductionBase}, cwnd from ssthresh, RecoverFS, RecoveryPoint =
     * HighData), unless the loss is in the window of data an ECN-Echo has reduced already: RFC 3168 6.1.2 reduces
     * "only once in response to a series of dropped and/or CE packets from a single window of data", and Linux's
     * tcp_enter_recovery calls tcp_init_cwnd_reduction only outside its CWR state. Then ssthresh and CUBIC's
     * curve stay, cwnd = ssthresh (RFC 6675 section 5 step 4.2) and PRR starts from what the ECN reduction started
     * from (its RecoverFS, as Linux continues the CWR state's PRR with its prior_cwnd). RecoveryPoint: the linux
     * profile keeps the ECN reduction's (Linux keeps high_seq, set by tcp_init_cwnd_reduction when CWR began), so a
     * loss in data sent after it is a new congestion event; the rfc profile takes HighData (RFC 6675 section 5
     * step 4.1). Returns whether the window was reduced.
     */
    boolean startFastRecovery(boolean inflate) {
        snd.inRecovery = true;
        if (ecn.reducing(snd.una)) {
            snd.recover = profile.isLinux() ? ecn.recover : snd.max;
            if (snd.inCwr) {
                snd.inCwr = false; // PRR goes on as it is, now for the recovery (Linux keeps prr_* from CWR)
            } else {
                snd.cc.onEnterRecoveryWithoutReduction(inflate);
                snd.prr.start(ecn.reducedFrom);
            }
            return false;
        }
        snd.recover = snd.max;
        int base = reductionBase();
        snd.cc.onEnterRecovery(base, layer.now(), inflate);
        snd.prr.start(base); // RecoverFS
        ecn.onLossReduction();
        return true;
    }

    /**
     * Whether this retransmission timeout reduces ssthresh. From FlightSize always (RFC 5681 3.1 eq. 4): the flight
     * still shows what was sent. From cwnd only once per window of data, as Linux's tcp_enter_loss: not during fast
     * recovery, whose start reduced it already (cwnd is then PRR's or the inflated window), and not on a further
     * timeout before an ACK advanced SND.UNA (cwnd is then the previous timeout's loss window).
     */
    private boolean timeoutReduces() {
        if (profile.reductionBase() != ReductionBase.CWND) {
            return true;
        }
        if (ecn.reducing(snd.una)) {
            // Linux's tcp_enter_loss in the CWR state before high_seq is acknowledged: this window is reduced.
            return false;
        }
        if (SeqNum.geq(snd.una, snd.recover)) {
            return true;
        }
        return !snd.inRecovery && snd.retransmits == 1;
    }

    /** RFC 5681 3.2: the third duplicate ACK starts fast retransmit and fast recovery. */
    private void onDuplicateAck() {
        snd.dupAcks++;
        boolean prr = profile.proportionalRateReduction();
        if (snd.inRecovery) {
            if (prr) {
                reduceRate(snd.prr.duplicateAck(snd.mss, snd.flight()), newRenoPipe());
            } else {
                snd.cc.onDuplicateAckInRecovery();
            }
        } else if (snd.dupAcks == 3 && SeqNum.geq(snd.una, snd.recover)) {
            // RFC 6582 3.2 step 2: no new recovery until the previous one's data is acknowledged.
            layer.count(Counter.TCP_RENO_RECOVERY);
            int flight = snd.max - snd.una;
            startFastRecovery(!prr);
            if (prr) {
                // The two duplicate ACKs before this one delivered data too, but before recovery (RFC 6937 counts
                // this ACK's only); all three took their segments out of the pipe, and so did the lost one.
                snd.prr.duplicateAcksBefore(snd.dupAcks - 1, snd.mss, flight);
                reduceRate(snd.prr.duplicateAck(snd.mss, flight), newRenoPipe() - Math.min(snd.mss, flight));
            }
            retransmitFirst("FAST_RETRANSMIT");
        }
    }

    /**
     * Without SACK, the RFC 6675 pipe as Linux estimates it: what is outstanding less one MSS per duplicate ACK
     * (the retransmitted hole counts as in flight again).
     */
    private int newRenoPipe() {
        return snd.flight() - snd.prr.duplicateBytes();
    }

    /** PRR (RFC 6937 section 3) for an ACK that delivered {@code delivered} bytes and left {@code pipe}. */
    private void reduceRate(int delivered, int pipe) {
        if (delivered > 0) {
            snd.cc.setRecoveryWindow(pipe + snd.prr.sendCount(delivered, pipe, snd.cc.ssthresh(), snd.mss));
        }
    }

    /**
     * The handshake is over: the SYN's back-off ends, and if our SYN or SYN,ACK had to be retransmitted and gave no
     * RTT sample, the data RTO starts at 3 s (RFC 6298 5.7; Linux's tcp_init_metrics does the same).
     */
    private void startDataRto() {
        if (snd.totalRetransmits > 0) {
            snd.rtt.fallBackAfterSynTimeout();
        } else {
            snd.rtt.resetBackoff();
        }
    }

    private boolean sampleRtt(int ack) {
        // Karn's algorithm: the timed segment must not have been retransmitted (timing is cancelled then).
        if (snd.timing && SeqNum.gt(ack, snd.timedSeq)) {
            snd.rtt.sample(layer.now() - snd.timedAt);
            snd.rack.sampleMinRtt(layer.now() - snd.timedAt, layer.now());
            snd.timing = false;
            return true;
        }
        return false;
    }

    /**
     * RFC 7323 4.1-4.2: an ACK of new data echoes the TSval of the segment it answers, so now - TSecr is an RTT
     * sample even where Karn's algorithm has none (after a retransmission). Like Linux, the precise timing above
     * is preferred and a TSecr of 0 is not used.
     */
    private void sampleTimestampRtt(TcpInput seg) {
        if (timestamps && seg.hasTimestamps && seg.tsEcr != 0) {
            int ticks = tsNow() - seg.tsEcr;
            if (ticks >= 0) {
                snd.rtt.sample(ticks * 1_000_000L);
                snd.rack.sampleMinRtt(ticks * 1_000_000L, layer.now());
            }
        }
    }

    private void receiveText(TcpInput seg) {
        int before = rcv.nxt;
        int len = seg.payloadLength;
        // Trim to the right edge of the window we offered.
        int room = rcv.nxt + rcv.offered() - seg.seq;
        if (len > room) {
            len = Math.max(0, room);
            seg.flags &= ~FIN;
        }
        boolean inOrder = seg.seq == rcv.nxt;
        boolean fillsHole = rcv.queue.outOfOrderSegments() > 0;
        if (len > 0 && SeqNum.lt(seg.seq, rcv.nxt)) {
            noteDuplicate(seg.seq, SeqNum.min(seg.seq + len, rcv.nxt));
        } else if (len > 0 && sackPermitted) {
            long held = rcv.queue.heldOverlap(seg.seq, seg.seq + len);
            if (held != ReceiveQueue.NO_OVERLAP) {
                noteDuplicate((int) (held >>> 32), (int) held);
            }
        }
        if (readShutdown) {
            // Data after SHUT_RD is acknowledged and discarded (Linux keeps the connection going).
            if (SeqNum.leq(seg.seq, rcv.nxt) && SeqNum.gt(seg.seq + len, rcv.nxt)) {
                rcv.nxt = seg.seq + len;
            }
        } else {
            rcv.nxt = rcv.queue.add(rcv.nxt, seg.seq, seg.buffer, seg.payloadOffset, len);
            if (rcv.queue.takeMemoryDrops() > 0) {
                layer.count(Counter.TCP_OFO_DROP);
            }
            if (rcv.queue.takePrunes() > 0) {
                layer.count(Counter.TCP_OFO_PRUNED);
            }
        }
        if (rcv.nxt != before) {
            bytesReceived += rcv.nxt - before;
            lastDataReceivedAt = layer.now();
            layer.signal(this);
            if (receiveTuning != null) {
                // The receiver's RTT for buffer autotuning: from the echoed timestamp, else per window.
                if (timestamps && seg.hasTimestamps) {
                    receiveTuning.onTimestampEcho(seg.tsEcr, tsNow(), len);
                } else {
                    receiveTuning.onInOrderData(rcv.nxt, rcv.queue.limit(), layer.now());
                }
            }
        }
        if (seg.has(FIN) && seg.seq + len == rcv.nxt || rcv.finPending && rcv.pendingFinSeq == rcv.nxt) {
            // The FIN is next in order (its own, or one that waited for this data): step eight (RFC 9293
            // 3.10.7.4) acknowledges data and FIN in one ACK.
            return;
        }
        if (!inOrder || fillsHole) {
            // Out of order, or filling a hole: ACK at once so the sender's fast retransmit works (RFC 5681 4.2).
            sendAck();
            return;
        }
        rcv.unackedSegments++;
        ackOrDelay(seg.payloadLength);
    }

    /**
     * In-order data (or, in the linux profile, a FIN) has arrived: acknowledge it now or arm the delayed-ACK
     * timer. RFC 9293 3.8.6.3 and RFC 1122 4.2.3.2: a receiver SHOULD delay ACKs, by less than 0.5 s, and SHOULD
     * ACK at least every second full-sized segment. The rfc profile does exactly that. The linux profile does as
     * Linux's __tcp_ack_snd_check: at once while quick-ACK acknowledgements remain at the start of the connection
     * (unless the connection is interactive, see {@link TcpReceiver#interactive}) or when more than one MSS is
     * unacknowledged; otherwise after the delayed-ACK timeout (40 ms), unless a reply carries the ACK first.
     */
    private void ackOrDelay(int segmentLength) {
        boolean now;
        if (profile.isLinux()) {
            boolean quick = rcv.quickAcks > 0 && !rcv.interactive;
            if (quick) {
                rcv.quickAcks--;
            }
            now = quick || rcv.nxt - lastAckSent > rcv.mss;
        } else if (rcv.quickAcks > 0) {
            rcv.quickAcks--; // the rfc profile has none, but congestion experienced asks for one (RFC 3168 6.1.3)
            now = true;
        } else {
            now = rcv.unackedSegments >= 2 || segmentLength >= 2 * rcv.mss;
        }
        if (now && profile.isLinux() && layer.coalescesAcks() && rcv.nxt - lastAckSent < TcpLayer.MAX_COALESCED_ACK) {
            // Like Linux acknowledging a GRO aggregate once: the ACK goes out when this batch of frames is done,
            // covering every in-order segment of the batch (and riding on a reply if a handler writes one).
            layer.ackAtEndOfBatch(this);
        } else if (now) {
            sendAck();
        } else if (delayedAckAt == Pollable.NEVER) {
            delayedAckAt = layer.now() + profile.delayedAck().toNanos();
        }
    }

    private void discardQueues() {
        rcv.queue.clear();
    }

    // ---------------------------------------------------------------- output

    /** Sends an ACK now, cancelling a delayed one. */
    void sendAck() {
        layer.sendSegment(this, ACK, snd.max, 0, 0);
    }

    /** Called after anything sent an ACK: nothing is waiting to be acknowledged any more. */
    void ackSent() {
        ackAtEndOfBatch = false;
        lastAckSent = rcv.nxt;
        rcv.unackedSegments = 0;
        delayedAckAt = Pollable.NEVER;
    }

    /** Sends what the windows, Nagle and silly-window avoidance allow (RFC 9293 3.8.6.2.1, RFC 1122 4.2.3.4). */
    void output() {
        if (!state.synchronizedState() || state == TIME_WAIT) {
            return;
        }
        if (snd.flight() == 0 && snd.unsent() > 0 && snd.lastSendAt != Long.MIN_VALUE) {
            // Resuming after idle: the window may no longer describe the path (RFC 5681 4.1, RFC 7661). Counted
            // once: the idle time starts again now.
            long idle = layer.now() - snd.lastSendAt;
            snd.cc.onIdleRestart(idle, snd.rtt.rto(), layer.now());
            if (idle > snd.rtt.rto()) {
                sackRecovery.onIdleRestart(); // the window decayed: an undo must not bring the old one back
            }
            snd.lastSendAt = layer.now();
        }
        if (sackPermitted && sackRecovery.active()) {
            sackRecovery.output();
        } else {
            while (sendNext(usableWithoutSack())) {
                // keep sending
            }
        }
        // Nothing in flight and data held back, by a zero window or by sender SWS avoidance under a small one: the
        // persist timer probes the zero window, and is the SWS override timeout of RFC 9293 3.8.6.2.1 (RFC 1122
        // 4.2.3.4) for the small one (Linux arms its probe timer in both cases).
        if (snd.unsent() > 0 && snd.flight() == 0 && persistAt == Pollable.NEVER) {
            persistAt = layer.now() + persistTimeout();
            layer.reschedule(this);
        }
        if (sackPermitted) {
            sackRecovery.armProbe();
        }
    }

    /**
     * Bytes the congestion and receive windows let out now outside SACK recovery. Limited Transmit (RFC 3042): the
     * first and second duplicate ACKs each let one new segment out beyond cwnd, so that a small window still produces
     * the third duplicate ACK. In recovery with PRR cwnd is pipe + sndcnt, and the pipe excludes what the
     * duplicate ACKs reported delivered (RFC 6937); in an ECN reduction under PRR with SACK cwnd is compared with
     * the scoreboard's pipe; otherwise the (inflated) cwnd is compared with the flight.
     */
    private int usableWithoutSack() {
        int receiveWindow = snd.una + snd.wnd - snd.nxt;
        if (snd.inRecovery && profile.proportionalRateReduction()) {
            return Math.min(receiveWindow, snd.cc.cwnd() - newRenoPipe());
        }
        if (snd.inCwr && sackPermitted) {
            // An ECN reduction under PRR set cwnd = pipe + sndcnt with the scoreboard's pipe: SACKed segments have
            // left the network (RFC 6675's pipe, Linux's tcp_packets_in_flight).
            return Math.min(receiveWindow, snd.cc.cwnd() - snd.board.pipe());
        }
        int limitedTransmit = snd.inRecovery ? 0 : Math.min(snd.dupAcks, 2) * snd.mss;
        return Math.min(receiveWindow, snd.una + snd.cc.cwnd() + limitedTransmit - snd.nxt);
    }

    /**
     * Sends one new segment of at most {@code usable} bytes if Nagle and sender silly-window avoidance allow, or
     * a FIN on its own once everything is sent; false if nothing went out.
     */
    boolean sendNext(int usable) {
        int unsent = snd.unsent();
        int len = Math.min(Math.min(unsent, layer.sendSize(this)), Math.max(0, usable));
        if (len > 0) {
            boolean full = len >= snd.mss;
            boolean allQueued = len == unsent;
            boolean idle = snd.flight() == 0;
            // RFC 9293 3.7.4 (RFC 896): a partial segment waits while data is unacknowledged. Linux uses Minshall's
            // variant (tcp_nagle_check): it waits only while a previously sent small segment is unacknowledged.
            boolean nagleAllows = noDelay || idle || profile.isLinux() && !snd.smallSegmentInFlight();
            boolean halfWindow = snd.maxWnd > 0 && len >= snd.maxWnd / 2;
            if (!full && !(allQueued && nagleAllows) && !halfWindow && !(allQueued && snd.finPending)) {
                return false;
            }
            boolean fin = snd.finPending && !snd.finSent && allQueued && usable > len;
            sendData(snd.nxt, len, fin);
            return true;
        }
        if (unsent == 0 && snd.finPending && !snd.finSent) {
            sendData(snd.nxt, 0, true);
            return true;
        }
        return false;
    }

    /**
     * Linux (tcp_event_data_sent, tcp_pingpong_thresh 1): data sent within the delayed-ACK timeout of receiving
     * some is a reply, and the connection becomes interactive: later ACKs wait to ride on the next reply.
     */
    private void noteReply() {
        if (profile.isLinux() && lastDataReceivedAt >= 0
                && layer.now() - lastDataReceivedAt < profile.delayedAck().toNanos()) {
            rcv.interactive = true;
        }
    }

    private long persistTimeout() {
        return Math.min(profile.maxRto().toNanos(), snd.rtt.rto() << Math.min(persistBackoff, 10));
    }

    /** Sends data [seq, seq + len) and optionally our FIN after it, arming the retransmission timer. */
    private void sendData(int seq, int len, boolean fin) {
        sendData(seq, len, fin, false);
    }

    /** As {@link #sendData(int, int, boolean)}, with PSH forced on if {@code push}. */
    private void sendData(int seq, int len, boolean fin, boolean push) {
        // Karn (RFC 6298 3): time only new data; below SND.MAX this is a retransmission (go-back after a timeout).
        boolean newData = SeqNum.geq(seq, snd.max);
        int flags = ACK | (push ? PSH : pushFlag(seq, len, fin)) | (fin ? FIN : 0);
        layer.sendSegment(this, flags, seq, seq - snd.una, len);
        snd.prr.onSend(len + (fin ? 1 : 0));
        snd.lastSendAt = layer.now();
        if (len > 0) {
            lastDataSentAt = layer.now();
        }
        if (len > 0 && newData) {
            noteReply();
        }
        int end = seq + len + (fin ? 1 : 0);
        if (SeqNum.gt(end, snd.max)) {
            snd.board.sent(SeqNum.max(seq, snd.max), end, layer.now());
        }
        if (SeqNum.gt(end, snd.nxt)) {
            snd.nxt = end;
        }
        if (SeqNum.gt(end, snd.max)) {
            snd.max = end;
        }
        if (fin) {
            snd.finSent = true;
            snd.finSeq = seq + len;
            snd.finSeqValid = true;
        }
        if (newData && len > 0 && len < snd.mss) {
            snd.smallSent = true; // Minshall's Nagle (Linux tcp_minshall_update): remember the last small segment
            snd.smallEnd = seq + len;
        }
        if (!snd.timing && newData) {
            snd.timing = true;
            snd.timedSeq = seq;
            snd.timedAt = layer.now();
        }
        if (retransmitAt == Pollable.NEVER) {
            startRetransmitTimer();
        }
    }

    private void startRetransmitTimer() {
        retransmitAt = layer.now() + snd.rtt.rto();
        layer.reschedule(this);
    }

    /** Retransmits the first unacknowledged segment (data and/or FIN). */
    private void retransmitFirst(String cause) {
        snd.timing = false; // Karn
        snd.totalRetransmits++;
        layer.trace(this, state, state, cause);
        int outstandingData = snd.max - snd.una - (snd.finSeqValid ? 1 : 0);
        int len = Math.min(snd.mss, Math.max(0, outstandingData));
        boolean fin = snd.finSeqValid && len == outstandingData;
        int flags = ACK | (fin ? FIN : 0) | pushFlag(snd.una, len, fin);
        layer.sendSegment(this, flags, snd.una, 0, len);
        snd.prr.onSend(len + (fin ? 1 : 0));
    }

    /**
     * PSH for a data segment [seq, seq + len), sent or resent: set if it ends a write or carries our FIN, so a
     * retransmission keeps the original segment's PSH (Linux marks the last buffer of a write, tcp_mark_push;
     * RFC 9293 3.9.1 leaves where PSH goes to the sender).
     */
    int pushFlag(int seq, int len, boolean fin) {
        return len > 0 && (fin || snd.queue.endsWrite(seq - snd.una + len)) ? PSH : 0;
    }

    // ---------------------------------------------------------------- timers

    /** The earliest deadline of this connection's timers. */
    long nextDeadline() {
        long t = Math.min(Math.min(retransmitAt, probeAt), Math.min(reorderAt, persistAt));
        t = Math.min(t, delayedAckAt);
        t = Math.min(t, keepaliveAt);
        t = Math.min(t, timeWaitAt);
        return Math.min(t, finWait2At);
    }

    /** Runs every timer that is due. */
    void onTimers(long now) {
        if (timeWaitAt <= now) {
            timeWaitAt = Pollable.NEVER;
            transition(TcpEvent.TIME_WAIT_TIMEOUT);
            return;
        }
        if (finWait2At <= now) {
            finWait2At = Pollable.NEVER;
            transition(TcpEvent.TIMEOUT);
            return;
        }
        if (delayedAckAt <= now) {
            delayedAckAt = Pollable.NEVER;
            // No reply carried the ACK in time: Linux (tcp_delack_timer_handler) leaves interactive mode, so
            // what arrives next is quick-ACKed again while the quick-ACK budget lasts.
            rcv.interactive = false;
            if (state.synchronizedState() || state == SYN_RECEIVED) {
                sendAck();
            }
        }
        if (reorderAt <= now) {
            reorderAt = Pollable.NEVER;
            sackRecovery.onReorderTimeout();
        }
        if (probeAt <= now) {
            probeAt = Pollable.NEVER;
            sackRecovery.onProbeTimeout();
        }
        if (retransmitAt <= now) {
            retransmitAt = Pollable.NEVER;
            onRetransmitTimeout();
            if (state == CLOSED) {
                return;
            }
        }
        if (persistAt <= now) {
            persistAt = Pollable.NEVER;
            if (snd.wnd == 0 && snd.unsent() > 0) {
                // Zero-window probe, Linux style: an ACK with an old sequence number that the peer must answer
                // with its current window (RFC 9293 3.8.6.1 leaves the probe's form open).
                layer.sendSegment(this, ACK, snd.una - 1, 0, 0);
                layer.trace(this, state, state, "ZERO_WINDOW_PROBE");
                persistBackoff++;
                persistAt = now + persistTimeout();
            } else if (snd.unsent() > 0 && snd.flight() == 0) {
                // SWS override: send what fits in the small window, with PSH (as Linux's tcp_write_wakeup).
                int len = Math.min(Math.min(snd.unsent(), snd.mss), snd.una + snd.wnd - snd.nxt);
                if (len > 0) {
                    layer.trace(this, state, state, "SWS_OVERRIDE");
                    sendData(snd.nxt, len, false, true);
                }
            }
        }
        if (keepaliveAt <= now) {
            keepaliveAt = Pollable.NEVER;
            onKeepalive(now);
        }
        armKeepalive();
        layer.reschedule(this);
    }

    private void onRetransmitTimeout() {
        int limit = switch (state) {
            case SYN_SENT -> profile.synRetries();
            case SYN_RECEIVED -> profile.synAckRetries();
            default -> profile.dataRetries();
        };
        if (snd.retransmits >= limit) {
            error = timeoutError();
            reset = true;
            if (state == SYN_RECEIVED && parent != null) {
                transition(TcpEvent.TIMEOUT);
                layer.dropEmbryo(this);
            } else {
                transition(TcpEvent.TIMEOUT);
            }
            return;
        }
        snd.retransmits++;
        snd.rtt.backOff();
        switch (state) {
            case SYN_SENT -> {
                layer.count(Counter.TCP_TIMEOUTS);
                snd.timing = false; // Karn
                snd.totalRetransmits++;
                layer.trace(this, state, state, "SYN_RETRANSMIT");
                layer.sendSyn(this, false);
            }
            case SYN_RECEIVED -> {
                layer.count(Counter.TCP_TIMEOUTS);
                snd.timing = false; // Karn
                snd.totalRetransmits++;
                layer.trace(this, state, state, "SYN_ACK_RETRANSMIT");
                layer.sendSyn(this, true);
            }
            default -> {
                if (snd.una == snd.max) {
                    return;
                }
                layer.count(Counter.TCP_TIMEOUTS);
                if (snd.una == snd.iss) {
                    // SYN-RECEIVED -> CLOSE -> FIN-WAIT-1 before our SYN was acknowledged: the SYN is what is
                    // outstanding first, so resend the SYN,ACK (RFC 9293 3.10.7.4; the FIN follows once it is ACKed).
                    snd.totalRetransmits++;
                    layer.trace(this, state, state, "SYN_ACK_RETRANSMIT");
                    layer.sendSyn(this, true);
                    retransmitAt = layer.now() + snd.rtt.rto();
                    return;
                }
                // RFC 5681 3.1 eq. 4 and RFC 6298 5.4-5.6: reduce, restart slow start, resend the first segment.
                snd.timeouts++;
                int priorCwnd = snd.cc.cwnd();
                int priorSsthresh = snd.cc.ssthresh();
                boolean reduces = timeoutReduces();
                if (reduces) {
                    snd.cc.onRetransmitTimeout(reductionBase(), layer.now());
                    ecn.onLossReduction();
                } else {
                    snd.cc.onRetransmitTimeoutWithoutReduction(layer.now());
                }
                // As Linux's tcp_enter_loss: the timeout ends a tail loss probe episode (RFC 8985 7.4.2), whose
                // verdict would otherwise reduce this window again once the retransmissions are acknowledged.
                sackRecovery.endProbeEpisode();
                snd.recover = snd.max; // RFC 6582 3.2 step 4 (after a timeout): no fast retransmit below this
                snd.inRecovery = false;
                snd.inCwr = false; // Linux's Loss state replaces CWR
                snd.prr.end();
                snd.dupAcks = 0;
                if (sackPermitted && snd.board.size() > 0) {
                    // With a scoreboard nothing goes back: what is SACKed stays delivered (RFC 6675 5.1).
                    sackRecovery.onRetransmitTimeout(reduces, priorCwnd, priorSsthresh);
                    retransmitAt = layer.now() + snd.rtt.rto();
                    return;
                }
                retransmitFirst("RETRANSMIT");
                // Go back: what followed the lost segment is sent again as the window opens.
                int outstanding = snd.max - snd.una;
                int firstEnd = snd.una + Math.min(snd.mss, outstanding);
                if (snd.finSeqValid && firstEnd == snd.finSeq) {
                    firstEnd++; // the retransmitted segment carried the FIN too
                }
                if (SeqNum.lt(firstEnd, snd.max)) {
                    snd.finSent = snd.finSeqValid && SeqNum.gt(firstEnd, snd.finSeq);
                    snd.nxt = firstEnd;
                } else {
                    snd.nxt = snd.max;
                }
            }
        }
        retransmitAt = layer.now() + snd.rtt.rto();
    }

    private void armKeepalive() {
        if (keepAlive && keepaliveAt == Pollable.NEVER && (state == ESTABLISHED || state == CLOSE_WAIT)) {
            keepaliveAt = keepaliveSent == 0 ? lastReceived + keepIdle : layer.now() + keepInterval;
        }
    }

    private void onKeepalive(long now) {
        if (!keepAlive || !(state == ESTABLISHED || state == CLOSE_WAIT)) {
            return;
        }
        if (keepaliveSent == 0 && now < lastReceived + keepIdle) {
            keepaliveAt = lastReceived + keepIdle;
            return;
        }
        if (keepaliveSent >= keepProbes) {
            // Like Linux (tcp_keepalive_timer -> tcp_send_active_reset): give up with ETIMEDOUT and tell the
            // peer with a RST (RST,ACK in the linux profile).
            error = timeoutError();
            reset = true;
            sendActiveReset();
            transition(TcpEvent.TIMEOUT);
            return;
        }
        keepaliveSent++;
        layer.sendSegment(this, ACK, snd.una - 1, 0, 0);
        layer.trace(this, state, state, "KEEPALIVE_PROBE");
        keepaliveAt = now + keepInterval;
    }

    /** Re-arms keep-alive after SO_KEEPALIVE or its parameters change. */
    void keepaliveChanged() {
        keepaliveAt = Pollable.NEVER;
        armKeepalive();
        layer.reschedule(this);
    }

    // ---------------------------------------------------------------- user calls

    /** close() (RFC 9293 3.10.4) or shutdown(SHUT_WR) when {@code onlyWrite}. */
    void close(boolean onlyWrite) {
        if (!onlyWrite) {
            orphaned = true;
        }
        if (!onlyWrite && (lingerZero || rcv.queue.readable() > 0) && state != CLOSED && state != TIME_WAIT
                && state != LISTEN) {
            // SO_LINGER 0, or unread data (RFC 2525 2.17): abort with RST.
            abort();
            return;
        }
        switch (state) {
            case SYN_SENT -> transition(TcpEvent.CLOSE);
            case SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                snd.finPending = true;
                transition(TcpEvent.CLOSE);
                output();
            }
            case FIN_WAIT_2 -> {
                if (orphaned) {
                    finWait2At = layer.now() + profile.finWait2Timeout().toNanos();
                    layer.reschedule(this);
                }
            }
            default -> {
            }
        }
    }

    /**
     * A RST we decide to send (abort, keep-alive timeout): {@code <SEQ=SND.NXT><CTL=RST>} (RFC 9293 3.10.5); from a
     * synchronized state the linux profile also acknowledges RCV.NXT, as Linux's tcp_send_active_reset does.
     */
    private void sendActiveReset() {
        boolean withAck = state != SYN_RECEIVED && !profile.name().equals(TcpProfile.RFC.name());
        layer.sendReset(localIp, localPort, remoteIp, remotePort, snd.max, withAck ? rcv.nxt : 0, withAck);
    }

    /**
     * Abortive close: RST to the peer, queues discarded (RFC 9293 3.10.5). The RFC's RST is {@code <SEQ=SND.NXT>
     * <CTL=RST>}; Linux (tcp_send_active_reset) also acknowledges RCV.NXT from a synchronized state, so the linux
     * profile sends RST,ACK there.
     */
    void abort() {
        if (state == SYN_RECEIVED || state.synchronizedState() && state != TIME_WAIT) {
            sendActiveReset();
        }
        discardQueues();
        if (state != CLOSED) {
            transition(TcpEvent.ABORT);
        }
    }

    /** Queues application data; returns bytes accepted (0 when the send queue is full). */
    public int write(byte[] data, int off, int len) {
        int n = snd.queue.write(data, off, len, layer.alloc());
        if (n > 0) {
            output();
            layer.reschedule(this);
        }
        return n;
    }

    /** Reads in-order data; sends a window update when the read opened the window enough. */
    public int read(byte[] dst, int off, int len, boolean peek) {
        return consume(dst, off, len, peek);
    }

    /**
     * Drops up to {@code len} in-order bytes unread, as a read into nowhere would (a discard or counting
     * service needs no copy); returns how many. Window updates as for {@link #read}.
     */
    public int skip(int len) {
        return consume(null, 0, len, false);
    }

    /**
     * Hands this connection to {@code h}, which from now on runs on the stack's thread after every batch of
     * work that may have changed the connection's readiness (data, room to write, end of stream, reset), until
     * it returns false; null takes the handler away. Call on the stack's thread.
     */
    public void setHandler(StreamHandler h) {
        handler = h;
    }

    /**
     * Who is told, on the stack's thread, whenever this socket may have changed readiness: the threads
     * blocked on it wait on that signal. Null for none.
     */
    public void setReadinessSignal(org.netstack4j.stack.ReadinessSignal signal) {
        readinessSignal = signal;
    }

    private int consume(byte[] dst, int off, int len, boolean peek) {
        int before = rcv.offered();
        int n = rcv.queue.read(dst, off, len, peek);
        if (n > 0 && !peek && receiveTuning != null && !receiveBufferLocked) {
            int limit = receiveTuning.onConsumed(n, layer.now(), rcv.queue.limit(), fullSegmentIn());
            if (limit > rcv.queue.limit()) {
                rcv.queue.setLimit(limit);
                layer.count(Counter.TCP_RCV_BUF_GROWN);
            }
        }
        if (n > 0 && !peek && state.synchronizedState() && state != TIME_WAIT) {
            int after = rcv.window();
            // RFC 9293 3.8.6.2.2 / RFC 1122 4.2.3.3: tell the peer when the window grew by a useful amount.
            if (after > before && (before == 0 || after - before >= Math.min(rcv.queue.limit() / 2, rcv.mss))) {
                if (profile.isLinux() && layer.coalescesAcks()) {
                    layer.ackAtEndOfBatch(this); // a reply written in the same batch carries the update
                } else {
                    sendAck();
                }
            }
        }
        return n;
    }

    /** close(2): orderly release (FIN), or abort when SO_LINGER is 0 or unread data remains. */
    public void userClose() {
        close(false);
        layer.userReleased(this);
    }

    /** shutdown(SHUT_WR): our FIN after the queued data. */
    public void shutdownWrite() {
        close(true);
    }

    /** shutdown(SHUT_RD): queued data is discarded and later data acknowledged and dropped. */
    public void shutdownRead() {
        readShutdown = true;
        rcv.queue.clear();
        layer.signal(this);
    }

    /** TCP_NODELAY. */
    public void setNoDelay(boolean on) {
        noDelay = on;
        output();
    }

    /** SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL (nanoseconds) and TCP_KEEPCNT. */
    public void setKeepAlive(boolean on, long idleNanos, long intervalNanos, int probes) {
        keepAlive = on;
        keepIdle = idleNanos;
        keepInterval = intervalNanos;
        keepProbes = probes;
        keepaliveChanged();
    }

    /**
     * TCP_CONGESTION: switches to {@code kind}. Like Linux the new algorithm starts with fresh state but keeps
     * the current window, so a switch mid-transfer is no restart.
     */
    public void setCongestionControl(CongestionControlKind kind) {
        if (snd.cc.kind() == kind) {
            return;
        }
        snd.cc = kind.create(snd.mss, profile.initialWindow(), profile.idlePolicy(), profile.cubicTimeout())
                .continueFrom(snd.cc);
    }

    /** SO_LINGER with l_onoff=1, l_linger=0: close() resets. */
    public void setLingerZero(boolean on) {
        lingerZero = on;
    }

    /** SO_RCVBUF and SO_SNDBUF. */
    /** SO_RCVBUF: the receive buffer; as in Linux, a size the user set is no longer tuned. */
    public void setReceiveBuffer(int bytes) {
        rcv.queue.setLimit(bytes);
        receiveBufferLocked = true;
    }

    /** SO_SNDBUF: the send buffer; as in Linux, a size the user set is no longer tuned. */
    public void setSendBuffer(int bytes) {
        snd.queue.setLimit(bytes);
        sendBufferLocked = true;
    }

    /** The receive buffer's size now (SO_RCVBUF as autotuning left it). */
    public int receiveBuffer() {
        return rcv.queue.limit();
    }

    /**
     * Linux's send-buffer autotuning (tcp_sndbuf_expand), in the linux profile unless the user set SO_SNDBUF:
     * the send queue may hold twice the congestion window, up to tcp_wmem[2] (4 MiB), so that a fast path is
     * not held to the 128 KiB default while the window grows.
     */
    private void expandSendBuffer() {
        if (sendBufferLocked || !profile.isLinux()) {
            return;
        }
        long want = Math.min(TcpLayer.LINUX_TCP_WMEM_MAX, 2L * snd.cc.cwnd());
        if (want > snd.queue.limit()) {
            snd.queue.setLimit((int) want);
        }
    }

    // ---------------------------------------------------------------- views

    /** The pending error (without clearing it). */
    public Errno error() {
        return error;
    }

    /** Returns and clears the pending error. */
    public Errno takeError() {
        Errno e = error;
        error = null;
        return e;
    }

    /** True once the connection was reset or timed out. */
    public boolean wasReset() {
        return reset;
    }

    /** In-order bytes waiting to be read. */
    public int readable() {
        return rcv.queue.readable();
    }

    /** True once the peer's FIN arrived (end of stream after the queued data). */
    public boolean peerClosed() {
        return rcv.finReceived;
    }

    /** Room in the send queue. */
    public int writable() {
        return snd.queue.free();
    }

    /** Bytes not yet acknowledged or not yet sent (the Send-Q of ss). */
    public int sendQueued() {
        return snd.queue.size();
    }

    /** The state. */
    public TcpState state() {
        return state;
    }

    /** The earliest timer deadline, or NEVER. */
    public long nextTimer() {
        return nextDeadline();
    }

    /** The name of the earliest timer, like ss's timer column (on, persist, keepalive, timewait, ...). */
    public String nextTimerName() {
        long t = nextDeadline();
        if (t == timeWaitAt) {
            return "timewait";
        } else if (t == retransmitAt || t == reorderAt) {
            return "on"; // Linux shows its RACK reordering timer as the retransmission timer too
        } else if (t == probeAt) {
            return "probe";
        } else if (t == persistAt) {
            return "persist";
        } else if (t == keepaliveAt) {
            return "keepalive";
        } else if (t == delayedAckAt) {
            return "delack";
        }
        return "finwait2";
    }

    /** The control block in one line, for diagnostics. */
    public String describe() {
        return tuple() + " " + state + " " + snd + " SND.MAX=" + SeqNum.unsigned(snd.max) + " cwnd=" + snd.cc.cwnd() + " ssthresh=" + snd.cc.ssthresh()
                + " unsent=" + snd.unsent() + " sacked=" + snd.board.sackedSegments() + " lost="
                + snd.board.lostSegments() + " retrans=" + snd.totalRetransmits + (snd.inRecovery ? " recovery" : "") + " sendq=" + snd.queue.size() + " fin=" + snd.finPending + "/" + snd.finSent
                + " " + rcv + " readable=" + rcv.queue.readable() + " ooo=" + rcv.queue.outOfOrderBytes()
                + " rto@" + retransmitAt + " persist@" + persistAt + " dack@" + delayedAckAt;
    }

    /** "local>remote" for traces. */
    public String tuple() {
        return Ipv4Address.toString(localIp) + ":" + localPort + ">" + Ipv4Address.toString(remoteIp) + ":" + remotePort;
    }

    /** True when both SYNs carried SACK-permitted (RFC 2018 2): the peer's SACK blocks may be used. */
    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** True when both SYNs carried the timestamps option (RFC 7323 3.2). */
    public boolean timestamps() {
        return timestamps;
    }

    /** A TCP_INFO-like snapshot of this connection. */
    public TcpInfo info() {
        long now = layer.now();
        int mss = Math.max(1, snd.mss);
        int caState = snd.inRecovery ? TcpInfo.CA_RECOVERY
                : snd.retransmits > 0 || snd.inLossRecovery ? TcpInfo.CA_LOSS
                : snd.inCwr ? TcpInfo.CA_CWR : TcpInfo.CA_OPEN;
        int options = (timestamps ? TcpInfo.OPT_TIMESTAMPS : 0) | (sackPermitted ? TcpInfo.OPT_SACK : 0)
                | (rcv.wscaleOk ? TcpInfo.OPT_WSCALE : 0);
        long srtt = snd.rtt.srtt();
        int ssthresh = snd.cc.ssthresh() == Integer.MAX_VALUE ? TcpInfo.INFINITE_SSTHRESH : snd.cc.ssthresh() / mss;
        int inFlight = snd.max - snd.una;
        return new TcpInfo(state, caState, snd.retransmits, snd.rtt.backoffCount(), options,
                rcv.wscaleOk ? snd.wscale : 0, rcv.wscaleOk ? rcv.wscale : 0, snd.rtt.rto() / 1000, snd.mss, rcv.mss,
                (inFlight + mss - 1) / mss,
                snd.board.sackedSegments(), snd.board.lostSegments(), snd.board.retransmittedSegments(),
                lastDataSentAt < 0 ? 0 : (now - lastDataSentAt) / 1_000_000,
                lastDataReceivedAt < 0 ? 0 : (now - lastDataReceivedAt) / 1_000_000,
                (now - lastReceived) / 1_000_000, layer.pathMtu(remoteIp),
                rcv.maxWindow(), srtt < 0 ? 0 : srtt / 1000, srtt < 0 ? 0 : snd.rtt.rttvar() / 1000, ssthresh,
                snd.cc.cwnd() / mss, rcv.mss, 3, snd.totalRetransmits, bytesAcked, bytesReceived, segsOut, segsIn,
                (bytesAcked + mss - 1) / mss, snd.wnd, rcv.offered(), snd.rack.reorderingEvents(),
                snd.rack.lastReorderingWindow() / 1000);
    }

    /** The sending half. */
    public TcpSender sender() {
        return snd;
    }

    /** The receiving half. */
    public TcpReceiver receiver() {
        return rcv;
    }

    /** Local address. */
    public int localIp() {
        return localIp;
    }

    /** Local port. */
    public int localPort() {
        return localPort;
    }

    /** Remote address. */
    public int remoteIp() {
        return remoteIp;
    }

    /** Remote port. */
    public int remotePort() {
        return remotePort;
    }

    /** Releases the queues, once. */
    void releaseBuffers() {
        if (!released) {
            released = true;
            snd.queue.release();
            rcv.queue.release();
            layer.forget(this);
        }
    }
}
