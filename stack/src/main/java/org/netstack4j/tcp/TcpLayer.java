package org.netstack4j.tcp;

import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.netstack4j.collect.DeadlineHeap;
import org.netstack4j.collect.LongKeyMap;
import org.netstack4j.ipv4.Ipv4Layer;
import org.netstack4j.socket.Errno;
import org.netstack4j.stack.EphemeralPorts;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stats.Counter;
import org.netstack4j.time.Pollable;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpOptionReader;
import org.netstack4j.wire.TcpSegment;
import org.netstack4j.wire.WireError;

/**
 * TCP's place in the stack: validates arriving segments, finds their connection by four-tuple (or a
 * listener by port), answers segments for nobody with RST (RFC 9293 3.10.7.1), opens connections, builds
 * every outgoing segment and runs the connections' timers from one queue.
 */
public final class TcpLayer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TcpLayer.class);
    private final NetStack stack;
    private final TcpProfile profile;
    private final IsnGenerator isn;
    private final EphemeralPorts ephemeral;
    /** Connections by {@link #key four-tuple}: a primitive-keyed map, as every segment looks one up. */
    private final LongKeyMap<TcpConnection> connections = new LongKeyMap<>();
    private final Map<Integer, TcpListener> listeners = new HashMap<>();
    /** Every connection whose buffers are not yet released, CLOSED ones a user still holds included. */
    private final java.util.Set<TcpConnection> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final Map<Integer, Integer> boundPorts = new HashMap<>();
    /**
     * Every connection with a timer running, by its earliest deadline. Intrusive (the heap position lives in the
     * connection), so moving a deadline, which nearly every ACK does, allocates nothing.
     */
    private final DeadlineHeap<TcpConnection> timers = new DeadlineHeap<>();
    private final List<TcpTraceListener> traceListeners = new CopyOnWriteArrayList<>();
    /** Connections with an ACK due at the end of the batch (see {@link #ackAtEndOfBatch}). */
    private final java.util.ArrayDeque<TcpConnection> batchAcks = new java.util.ArrayDeque<>();
    /** Whether the driver delivers frames in batches and calls {@link #flushBatchAcks} after each. */
    private boolean coalesceAcks;
    /** Connections and listeners whose handlers are to run (see {@link #deliverNotifications}). */
    private final java.util.ArrayDeque<Object> notifications = new java.util.ArrayDeque<>();
    private final TcpSegment rx = new TcpSegment();
    /** The view outgoing headers are written through; reused, since only the stack's thread sends. */
    private final TcpSegment tx = new TcpSegment();
    private final TcpOptionReader options = new TcpOptionReader();
    private final TcpInput input = new TcpInput();
    private final ChallengeAckLimiter challengeAcks;
    private final SynCookies cookies;
    private final PathMtu pathMtu;
    private int defaultReceiveBuffer = 131_072;
    private int defaultSendBuffer = 131_072;
    /** The option area of the segment being built; reused like {@link #tx}. */
    private final SegmentOptions txOptions = new SegmentOptions();
    private final int[] sackLeft = new int[4];
    private final int[] sackRight = new int[4];
    // What our SYNs offer (Linux sysctls tcp_timestamps, tcp_sack, tcp_window_scaling; all on by default).
    private boolean offerTimestamps = true;
    private boolean offerSack = true;
    private boolean offerWindowScale = true;
    /** Linux tcp_rmem[2]: the window shift is chosen for a buffer this large (6 MiB gives 7); 0 for none. */
    private int maxReceiveBuffer;

    /** Linux's default tcp_rmem[2] (6 MiB): the buffer autotuning may grow to, which sets Linux's window shift. */
    public static final int LINUX_TCP_RMEM_MAX = 6 * 1024 * 1024;
    /** Linux tcp_wmem[2]: how far send-buffer autotuning may grow a connection's send queue. */
    public static final int LINUX_TCP_WMEM_MAX = 4 * 1024 * 1024;
    /**
     * Segments with at least this much payload leave without a copy when the device completes checksums (see
     * {@link #scatteredFrame}): large TSO segments and jumbo frames, where the copy into the frame was a tenth of
     * the loop's time; below it copying costs less than the composite frame.
     */
    static final int SCATTER_MIN_PAYLOAD = 16 * 1024;
    /** At most this many slices per scattered frame: bulk writes fill chunks of 16 KiB or more, so 64 KiB spans 5. */
    static final int SCATTER_MAX_PIECES = 8;

    /** TCP for {@code stack} with the given profile and ISN key. */
    public TcpLayer(NetStack stack, TcpProfile profile, byte[] isnKey) {
        this.stack = stack;
        this.profile = profile;
        this.isn = new IsnGenerator(isnKey);
        this.cookies = new SynCookies(isnKey);
        this.pathMtu = new PathMtu(stack.mtu(), profile.robustness().minPathMtu());
        this.maxReceiveBuffer = profile.isLinux() ? LINUX_TCP_RMEM_MAX : 0;
        this.ephemeral = new EphemeralPorts(stack.config().ephemeralPortLow(), stack.config().ephemeralPortHigh(),
                stack.random().nextLong());
        // Its own seeded stream, so that the budget draws do not shift the ports and identifiers of other users.
        this.challengeAcks = new ChallengeAckLimiter(profile.robustness().challengeAckLimit(),
                new java.util.SplittableRandom(stack.config().seed() ^ 0x5961_5961L));
    }

    // ---------------------------------------------------------------- plumbing for connections

    void remember(TcpConnection c) {
        live.add(c);
    }

    void forget(TcpConnection c) {
        live.remove(c);
    }

    TcpProfile profile() {
        return profile;
    }

    ByteBufAllocator alloc() {
        return stack.alloc();
    }

    long now() {
        return stack.now();
    }

    void count(Counter c) {
        stack.counters().inc(c);
    }

    void signal() {
        stack.signalReadiness();
    }

    /**
     * {@code c} may have changed readiness: tell the driver (blocked socket calls) and queue the connection's
     * handler, and while it is still half-open the listener's accept handler, for {@link #deliverNotifications}.
     * Handlers never run from inside segment processing, where the connection is half-updated.
     */
    void signal(TcpConnection c) {
        stack.signalReadiness();
        if (c.readinessSignal != null) {
            c.readinessSignal.signal();
        }
        if (c.handler != null && !c.notificationQueued) {
            c.notificationQueued = true;
            notifications.add(c);
        }
        if (c.parent != null) {
            signal(c.parent);
        }
    }

    private void signal(TcpListener l) {
        if (l.readinessSignal != null) {
            l.readinessSignal.signal();
        }
        if (l.acceptHandler != null && !l.notificationQueued) {
            l.notificationQueued = true;
            notifications.add(l);
        }
    }

    /** The most in-order data one coalesced ACK may cover: Linux's largest GRO aggregate. */
    static final int MAX_COALESCED_ACK = 65536;

    /**
     * Lets the linux profile acknowledge a batch of in-order segments with one ACK when the batch is done, as
     * Linux acknowledges a GRO aggregate (up to 64 KiB) once, instead of every second segment (RFC 5681 4.2's
     * SHOULD, which Linux's receive offload bends the same way). Out-of-order data, hole fills, FINs and the
     * first segments of a connection (quick ACKs) are still acknowledged at once. For drivers that read frames
     * in batches and call {@link NetStack#poll()} after each (the event loop); off by default, so that a stack
     * fed one segment at a time answers each at once.
     */
    public void setAckCoalescing(boolean on) {
        coalesceAcks = on;
    }

    boolean coalescesAcks() {
        return coalesceAcks;
    }

    void ackAtEndOfBatch(TcpConnection c) {
        if (!c.ackAtEndOfBatch) {
            c.ackAtEndOfBatch = true;
            batchAcks.add(c);
        }
    }

    /** Sends the ACKs that were held for the end of the batch and not yet sent with something else. */
    public void flushBatchAcks() {
        TcpConnection c;
        while ((c = batchAcks.poll()) != null) {
            if (c.ackAtEndOfBatch) {
                c.ackAtEndOfBatch = false;
                if (c.state != TcpState.CLOSED) {
                    c.sendAck();
                }
            }
        }
    }

    /**
     * Runs the handlers queued since the last call, and those their own work queues, on the stack's thread. A
     * handler that throws is logged and taken away; the stack goes on. Drivers call this after each batch.
     *
     * @return true if any handler ran (it may have armed timers)
     */
    public boolean deliverNotifications() {
        boolean ran = false;
        Object next;
        while ((next = notifications.poll()) != null) {
            ran = true;
            if (next instanceof TcpConnection c) {
                c.notificationQueued = false;
                StreamHandler h = c.handler;
                if (h == null) {
                    continue;
                }
                boolean more;
                // A handler may write megabytes: its segments get the time it runs, not the poll's start (Linux
                // refreshes tcp_mstamp in each tcp_write_xmit).
                stack.refreshEventTime();
                try {
                    more = h.onReadiness(c);
                } catch (RuntimeException e) {
                    LOG.warn("stream handler of {} threw; it is taken off the connection", c.tuple(), e);
                    more = false;
                }
                if (!more && c.handler == h) {
                    c.handler = null;
                }
            } else if (next instanceof TcpListener l) {
                l.notificationQueued = false;
                Runnable h = l.acceptHandler;
                if (h != null) {
                    try {
                        h.run();
                    } catch (RuntimeException e) {
                        LOG.warn("accept handler of port {} threw; it is taken off the listener", l.localPort, e);
                        l.acceptHandler = null;
                    }
                }
            }
        }
        return ran;
    }

    /**
     * How many bytes one output segment of a connection may carry, given its send MSS and the largest window the
     * peer has offered. Normally the MSS; when the device does TCP segmentation offload and the peer takes
     * full-MTU segments, as many whole MSS as fit a 64 KiB packet with the largest TCP header (the device cuts
     * it into MSS-sized segments on the wire). Either way at most half the peer's largest window, as Linux does
     * (RFC 1122 4.2.3.4 leaves it open): with one window-sized segment in flight a receiver that acknowledges
     * every second segment would wait for its delayed-ACK timer each time, e.g. at MTU 65520 without window
     * scaling.
     */
    int sendSize(TcpConnection c) {
        int mss = c.snd.mss;
        int maxWindow = c.snd.maxWnd;
        int size = mss;
        int limit = stack.tcpPacketLimit();
        // The MSS before the timestamps came off it (RFC 6691): the peer takes full-MTU segments if it is ours.
        int negotiated = mss + (c.timestamps ? SegmentOptions.TIMESTAMPS_LENGTH : 0);
        if (limit > stack.mtu() && negotiated >= ourMss()) {
            size = Math.max(mss, (limit - Ipv4Packet.MIN_HEADER_LENGTH - TcpSegment.MAX_HEADER_LENGTH) / mss * mss);
        }
        int cutoff = maxWindow > DEFAULT_MSS ? maxWindow / 2 : maxWindow;
        if (cutoff > 0 && size > cutoff) {
            size = Math.max(cutoff, MIN_SEGMENT);
        }
        return size;
    }

    /** RFC 9293 3.7.1: the MSS assumed when the peer sends none. */
    private static final int DEFAULT_MSS = 536;
    /** Smallest segment the half-window rule goes down to: RFC 791's 68-byte datagram minus 40 header bytes. */
    private static final int MIN_SEGMENT = 28;

    /** Our MSS: the MTU minus 40 bytes of IPv4 and TCP headers (RFC 9293 3.7.1, RFC 879). */
    int ourMss() {
        return stack.mtu() - 40;
    }

    /** The path MTU towards {@code remoteIp}: the interface MTU unless ICMP lowered it (RFC 1191). */
    int pathMtu(int remoteIp) {
        return pathMtu.get(remoteIp, now());
    }

    /** The largest segment the path to {@code remoteIp} carries: its path MTU minus 40 bytes of headers. */
    int pathMss(int remoteIp) {
        return pathMtu(remoteIp) - 40;
    }

    /**
     * An ICMP error quoting one of our TCP segments ({@code seq}, {@code sentLength} bytes of IPv4, sent from
     * {@code localPort} to {@code remoteIp:remotePort}). RFC 5927 4.1: it is believed only if the connection
     * exists and the quoted sequence number is outstanding (Linux counts the others as OutOfWindowIcmps).
     * {@code errno} EMSGSIZE is "fragmentation needed" with {@code nextHopMtu} (RFC 1191).
     */
    public void icmpError(int remoteIp, int remotePort, int localPort, int seq, int sentLength, Errno errno,
                          int nextHopMtu) {
        TcpConnection c = connections.get(key(remoteIp, remotePort, localPort));
        if (c == null) {
            return;
        }
        if (!c.quotesOutstanding(seq)) {
            count(Counter.TCP_OUT_OF_WINDOW_ICMPS);
            return;
        }
        if (errno != Errno.EMSGSIZE) {
            c.icmpError(errno);
            return;
        }
        int mtu = pathMtu.lower(remoteIp, nextHopMtu, sentLength, now());
        if (mtu > 0) {
            for (TcpConnection other : connections.values()) {
                if (other.remoteIp == remoteIp) {
                    other.pathMtuLowered(mtu);
                }
            }
        }
    }

    boolean offersTimestamps() {
        return offerTimestamps;
    }

    boolean offersSack() {
        return offerSack;
    }

    boolean offersWindowScale() {
        return offerWindowScale;
    }

    /**
     * Chooses which options new connections offer in their SYNs, like Linux's sysctls net.ipv4.tcp_timestamps,
     * tcp_sack and tcp_window_scaling (all on by default). A SYN-ACK carries an option only if the SYN did.
     */
    public void setOptionsOffered(boolean timestamps, boolean sack, boolean windowScale) {
        offerTimestamps = timestamps;
        offerSack = sack;
        offerWindowScale = windowScale;
    }

    /**
     * The buffer size the window shift is chosen for when it exceeds the socket's receive buffer (Linux
     * tcp_rmem[2]: the linux profile starts at 6 MiB, which gives shift 7 as modern kernels do; packetdrill's
     * defaults of 15 MiB give 8). 0 makes the shift follow the socket's buffer alone (the rfc profile).
     */
    public void setMaxReceiveBuffer(int bytes) {
        maxReceiveBuffer = Math.max(0, bytes);
    }

    /** tcp_rmem[2]: how far receive-buffer autotuning may grow a buffer (and the window shift's basis); 0: none. */
    int maxReceiveBuffer() {
        return maxReceiveBuffer;
    }

    /**
     * Our window shift for a receive buffer of {@code rcvBuf} bytes: the smallest that lets the 16-bit field
     * carry the whole buffer (RFC 7323 2.2-2.3), at most 14.
     */
    int windowShiftFor(int rcvBuf) {
        long space = Math.max(rcvBuf, maxReceiveBuffer);
        int shift = 0;
        while ((space >> shift) > TcpReceiver.MAX_UNSCALED_WINDOW && shift < TcpReceiver.MAX_WSCALE) {
            shift++;
        }
        return shift;
    }

    /**
     * The offset added to our timestamp clock for a four-tuple: keyed like the ISN, so it reveals no uptime and
     * stays the same for a new incarnation of the same four-tuple, whose timestamps then keep increasing (RFC
     * 7323 7.1, RFC 6191).
     */
    int timestampOffset(int localIp, int localPort, int remoteIp, int remotePort) {
        return isn.isn(remoteIp, remotePort, localIp, localPort, 0);
    }

    /** The path MTU: the interface MTU, as there is no PMTU discovery yet. */
    int pathMtu() {
        return stack.mtu();
    }

    void trace(TcpConnection c, TcpState from, TcpState to, String cause) {
        if (from == to) {
            count(Counter.TCP_RETRANS_SEGS);
        } else if (to == TcpState.ESTABLISHED && from == TcpState.SYN_SENT) {
            count(Counter.TCP_ACTIVE_OPENS);
        } else if (to == TcpState.SYN_RECEIVED && from == TcpState.LISTEN) {
            count(Counter.TCP_PASSIVE_OPENS);
        } else if (to == TcpState.CLOSED && (from == TcpState.ESTABLISHED || from == TcpState.CLOSE_WAIT)
                && c.reset) {
            count(Counter.TCP_ESTAB_RESETS);
        } else if (to == TcpState.CLOSED && (from == TcpState.SYN_SENT || from == TcpState.SYN_RECEIVED)) {
            count(Counter.TCP_ATTEMPT_FAILS);
        }
        if (!traceListeners.isEmpty()) {
            TcpTraceEvent e = new TcpTraceEvent(now(), c.tuple(), from, to, cause);
            for (TcpTraceListener l : traceListeners) {
                l.onEvent(e);
            }
        }
    }

    /** Adds a listener for every transition and retransmission. */
    public void addTraceListener(TcpTraceListener l) {
        traceListeners.add(l);
    }

    /** Removes a trace listener. */
    public void removeTraceListener(TcpTraceListener l) {
        traceListeners.remove(l);
    }

    private static long key(int remoteIp, int remotePort, int localPort) {
        return (long) remoteIp << 32 | (long) remotePort << 16 | localPort;
    }

    // ---------------------------------------------------------------- input

    /**
     * Handles the TCP segment carried by the checked packet {@code ip}; its checksum is verified unless the
     * device already vouched for it ({@code checksumVerified}).
     */
    public void receive(ByteBuf buf, Ipv4Packet ip, boolean broadcast, boolean checksumVerified) {
        TcpSegment seg = rx.wrap(buf, ip.payloadOffset(), ip.payloadLength());
        WireError err = seg.check();
        if (err != null) {
            count(Counter.TCP_IN_ERRS);
            return;
        }
        if (!checksumVerified && !seg.checksumValid(ip.source(), ip.destination())) {
            count(Counter.TCP_IN_CSUM_ERRORS);
            count(Counter.TCP_IN_ERRS);
            return;
        }
        count(Counter.TCP_IN_SEGS);
        if (broadcast) {
            return; // RFC 1122 4.2.3.10: no TCP to broadcast addresses.
        }
        TcpInput in = input;
        in.seq = (int) seg.sequenceNumber();
        in.ack = (int) seg.acknowledgmentNumber();
        in.flags = seg.flags();
        in.window = seg.window();
        in.buffer = buf;
        in.payloadOffset = seg.payloadOffset();
        in.payloadLength = seg.payloadLength();
        in.ce = (ip.tos() & Ecn.CE) == Ecn.CE;
        readOptions(seg, in);
        int srcPort = seg.sourcePort();
        int dstPort = seg.destinationPort();
        TcpConnection c = connections.get(key(ip.source(), srcPort, dstPort));
        if (c != null) {
            c.arrive(in);
            in.buffer = null;
            return;
        }
        TcpListener l = listeners.get(dstPort);
        if (l != null && (l.localIp == 0 || l.localIp == ip.destination())) {
            listenerArrival(l, in, ip.destination(), ip.source(), srcPort, dstPort);
        } else {
            count(Counter.TCP_NO_LISTENER);
            resetForNobody(in, ip.destination(), dstPort, ip.source(), srcPort);
        }
        in.buffer = null;
    }

    /**
     * Decodes the options the state machine uses. MSS, window scale and SACK-permitted count only on a SYN
     * (RFC 9293 3.7.1, RFC 7323 2.2, RFC 2018 2); timestamps and SACK blocks on any segment.
     */
    private void readOptions(TcpSegment seg, TcpInput in) {
        in.mss = 0;
        in.wscale = -1;
        in.sackPermitted = false;
        in.hasTimestamps = false;
        in.sackBlocks = 0;
        if (seg.headerLength() == TcpSegment.MIN_HEADER_LENGTH || !options.reset(seg)) {
            return;
        }
        boolean syn = (in.flags & SYN) != 0;
        while (options.next()) {
            switch (options.kind()) {
                case TcpOption.KIND_MSS -> in.mss = syn ? options.mss() : 0;
                case TcpOption.KIND_WINDOW_SCALE -> in.wscale = syn ? options.windowShift() : -1;
                case TcpOption.KIND_SACK_PERMITTED -> in.sackPermitted = syn;
                case TcpOption.KIND_TIMESTAMPS -> {
                    in.hasTimestamps = true;
                    in.tsVal = (int) options.timestampValue();
                    in.tsEcr = (int) options.timestampEchoReply();
                }
                case TcpOption.KIND_SACK -> {
                    int n = options.sackBlockCount();
                    for (int i = 0; i < n; i++) {
                        in.sackLeft[i] = (int) options.sackLeft(i);
                        in.sackRight[i] = (int) options.sackRight(i);
                    }
                    in.sackBlocks = n;
                }
                default -> {
                }
            }
        }
    }

    /** RFC 9293 3.10.7.1: the connection does not exist (CLOSED). */
    private void resetForNobody(TcpInput in, int localIp, int localPort, int remoteIp, int remotePort) {
        if (in.has(RST)) {
            return;
        }
        if (in.has(ACK)) {
            sendReset(localIp, localPort, remoteIp, remotePort, in.ack, 0, false);
        } else {
            int len = in.payloadLength + (in.has(SYN) ? 1 : 0) + (in.has(TcpSegment.FIN) ? 1 : 0);
            sendReset(localIp, localPort, remoteIp, remotePort, 0, in.seq + len, true);
        }
    }

    /** RFC 9293 3.10.7.2: a segment arrives for a LISTEN socket. */
    private void listenerArrival(TcpListener l, TcpInput in, int localIp, int remoteIp, int remotePort, int localPort) {
        listenerArrival(l, in, localIp, remoteIp, remotePort, localPort,
                isn.isn(localIp, localPort, remoteIp, remotePort, now()));
    }

    private void listenerArrival(TcpListener l, TcpInput in, int localIp, int remoteIp, int remotePort, int localPort,
                                 int iss) {
        if (in.has(RST)) {
            return;
        }
        if (in.has(ACK)) {
            if (!in.has(SYN) && (synCookieMode() == 2 || l.cookiesRecentlySent(now()))) {
                if (acceptCookie(l, in, localIp, remoteIp, remotePort, localPort)) {
                    return;
                }
                count(Counter.TCP_SYNCOOKIES_FAILED);
            }
            sendReset(localIp, localPort, remoteIp, remotePort, in.ack, 0, false);
            return;
        }
        if (!in.has(SYN)) {
            return;
        }
        if (in.has(TcpSegment.FIN)) {
            // SYN+FIN is no valid connection request (a scanner's probe); Linux drops it in LISTEN, and so do we,
            // counted as an input error, rather than open a connection whose first FIN we would ignore.
            count(Counter.TCP_IN_ERRS);
            return;
        }
        if (!l.hasRoomToAccept()) {
            count(Counter.TCP_LISTEN_OVERFLOWS);
            count(Counter.TCP_LISTEN_DROPS);
            return;
        }
        boolean full = !l.hasRoomForSyn();
        if (full && synCookieMode() == 0) {
            count(Counter.TCP_REQ_Q_FULL_DROP);
            count(Counter.TCP_LISTEN_DROPS);
            return;
        }
        if (full || synCookieMode() == 2) {
            if (full) {
                count(Counter.TCP_REQ_Q_FULL_DO_COOKIES);
            }
            sendCookieSynAck(l, in, localIp, remoteIp, remotePort, localPort);
            return;
        }
        TcpConnection c = passiveConnection(l, localIp, remoteIp, remotePort, localPort);
        l.halfOpen.add(c);
        c.acceptSyn(l, in, iss);
    }

    /** A connection born from listener {@code l}, registered in the demultiplexer, not yet accepted. */
    private TcpConnection passiveConnection(TcpListener l, int localIp, int remoteIp, int remotePort, int localPort) {
        TcpConnection c = new TcpConnection(this, localIp, localPort, remoteIp, remotePort, l.receiveBuffer,
                l.sendBuffer);
        // A buffer size set on the listener is the child's own setting: not tuned (Linux copies the lock bits).
        c.receiveBufferLocked = l.receiveBufferLocked;
        c.sendBufferLocked = l.sendBufferLocked;
        c.orphaned = true; // nobody holds it until accept()
        c.noDelay = l.noDelay;
        c.keepAlive = l.keepAlive;
        connections.put(key(remoteIp, remotePort, localPort), c);
        return c;
    }

    private int synCookieMode() {
        return profile.robustness().synCookies();
    }

    /**
     * Answers a SYN statelessly (RFC 4987 3.6): a SYN,ACK whose ISS is a {@link SynCookies cookie}. As in Linux
     * (tcp_conn_request, cookie_init_timestamp): when the SYN carries timestamps (and we use them) the SYN,ACK
     * agrees to window scaling, SACK and ECN as a stateful one would, and its TSval's clock part ends in the
     * {@link SynCookies.TimestampBits} that let {@link #acceptCookie} rebuild them from the ACK's TSecr; without
     * timestamps the cookie can only carry the MSS, so the SYN,ACK offers nothing else.
     */
    private void sendCookieSynAck(TcpListener l, TcpInput in, int localIp, int remoteIp, int remotePort,
                                  int localPort) {
        boolean ts = offerTimestamps && in.hasTimestamps;
        boolean sack = ts && offerSack && profile.sack() && in.sackPermitted;
        int wscale = ts && offerWindowScale && in.wscale >= 0 ? windowShiftFor(l.receiveBuffer) : -1;
        boolean ecn = ts && profile.robustness().ecn() != 0 && Ecn.isSetupSyn(in.flags);
        SynCookies.TimestampBits bits = ts ? new SynCookies.TimestampBits(wscale >= 0 ? in.wscale : -1, sack, ecn)
                : null;
        int iss = cookies.make(localIp, localPort, remoteIp, remotePort, in.seq, in.mss, bits, now());
        l.lastCookieSent = now();
        int window = Math.min(l.receiveBuffer, TcpReceiver.MAX_UNSCALED_WINDOW); // a SYN's window is never scaled
        int tsVal = ts ? SynCookies.timestampClock(bits, now())
                + timestampOffset(localIp, localPort, remoteIp, remotePort) : 0;
        txOptions.syn(ourMss(), sack, ts, tsVal, ts ? in.tsVal : 0, wscale);
        ByteBuf f = stack.ipv4().allocate(TcpSegment.MIN_HEADER_LENGTH + txOptions.length());
        writeHeader(f, Ipv4Layer.TRANSPORT_OFFSET, localPort, remotePort, iss, in.seq + 1,
                SYN | ACK | (ecn ? TcpSegment.ECE : 0), window, 0, localIp, remoteIp, txOptions);
        count(Counter.TCP_SYNCOOKIES_SENT);
        transmit(f, remoteIp);
    }

    /**
     * An ACK that may return a cookie: if it does, the connection is created (Linux cookie_v4_check) with the
     * options its TSecr brings back. As in Linux cookie_timestamp_decode, the cookie fails if it needs an option
     * we no longer use (the stack's settings changed since the SYN,ACK); ECN then merely stays off.
     */
    private boolean acceptCookie(TcpListener l, TcpInput in, int localIp, int remoteIp, int remotePort,
                                 int localPort) {
        int echoedClock = in.tsEcr - timestampOffset(localIp, localPort, remoteIp, remotePort);
        SynCookies.Accepted cookie = cookies.check(localIp, localPort, remoteIp, remotePort, in.seq - 1, in.ack - 1,
                in.hasTimestamps, echoedClock, now());
        if (cookie == null) {
            return false;
        }
        SynCookies.TimestampBits options = cookie.options();
        if (options != null && (!offerTimestamps || options.sackPermitted() && !(offerSack && profile.sack())
                || options.windowScale() >= 0 && !offerWindowScale)) {
            return false;
        }
        count(Counter.TCP_SYNCOOKIES_RECV);
        if (!l.hasRoomToAccept()) {
            // As for a stateful handshake: ignore the ACK; the peer's retransmission may find room.
            count(Counter.TCP_LISTEN_OVERFLOWS);
            count(Counter.TCP_LISTEN_DROPS);
            return true;
        }
        TcpConnection c = passiveConnection(l, localIp, remoteIp, remotePort, localPort);
        c.acceptCookie(l, in, cookie.mss(), options);
        return true;
    }

    /** A SYN for a TIME-WAIT connection with a higher sequence number reopens the four-tuple, as Linux does. */
    void reopenFromTimeWait(TcpConnection c, TcpInput in) {
        if (!c.synMayReopen(in)) {
            if (profile.isLinux()) {
                c.sendAck(); // Linux answers with the TIME-WAIT ACK; RFC 6191 2 drops the SYN silently
            }
            return;
        }
        count(Counter.TCP_TIME_WAIT_REUSED);
        c.transition(TcpEvent.ABORT);
        TcpListener l = listeners.get(c.localPort);
        if (l != null) {
            // The new incarnation's ISS must lie beyond anything the old one sent, or its segments could be
            // taken for old duplicates (RFC 9293 3.4.1, RFC 6528 3); Linux uses the old SND.NXT + 65535 + 2.
            int iss = c.snd.max + 65_535 + 2;
            listenerArrival(l, in, c.localIp, c.remoteIp, c.remotePort, c.localPort, iss);
        } else {
            resetForNobody(in, c.localIp, c.localPort, c.remoteIp, c.remotePort);
        }
    }

    // ---------------------------------------------------------------- output

    /**
     * Sends a segment of {@code c}: {@code flags}, sequence number {@code seq}, and {@code len} data bytes
     * taken {@code queueOffset} bytes after SND.UNA from the send queue. ACK and window come from the receiver.
     */
    void sendSegment(TcpConnection c, int flags, int seq, int queueOffset, int len) {
        int window = c.rcv.windowField(c.rcv.window());
        int ackNo = (flags & ACK) != 0 ? c.rcv.nxt : 0;
        boolean newData = len > 0 && SeqNum.geq(seq, c.snd.max);
        flags |= c.ecn.segmentFlags(flags, newData);
        int blocks = 0;
        if ((flags & ACK) != 0 && c.sackPermitted) {
            // RFC 2018 4: as many blocks as the option space allows (3 beside timestamps, 4 without), and no more
            // than keeps the packet within the MTU.
            int room = Math.min(SegmentOptions.MAX_LENGTH, ourMss() - len)
                    - (c.timestamps ? SegmentOptions.TIMESTAMPS_LENGTH : 0) - SegmentOptions.SACK_BASE_LENGTH;
            blocks = c.rcv.sackBlocks(sackLeft, sackRight, Math.min(4, room / SegmentOptions.SACK_BLOCK_LENGTH));
            if (blocks > 0) {
                c.rcv.dsackPending = false; // a D-SACK, when pending, went first
            }
        }
        txOptions.segment(c.timestamps, c.tsNow(), c.tsRecent, sackLeft, sackRight, blocks);
        int headerLength = TcpSegment.MIN_HEADER_LENGTH + txOptions.length();
        int at = Ipv4Layer.TRANSPORT_OFFSET;
        ByteBuf f = len >= SCATTER_MIN_PAYLOAD && stack.tcpChecksumOffload()
                ? scatteredFrame(c, headerLength, queueOffset, len) : null;
        if (f == null) {
            f = stack.ipv4().allocate(headerLength + len);
            if (len > 0) {
                c.snd.queue.copy(queueOffset, f, at + headerLength, len);
            }
        }
        writeHeader(f, at, c.localPort, c.remotePort, seq, ackNo, flags, window, len, c.localIp(), c.remoteIp,
                txOptions);
        if ((flags & ACK) != 0) {
            c.ackSent();
        }
        c.segsOut++;
        transmit(f, c.remoteIp, c.ecn.ipField(newData));
    }

    /**
     * A frame for a large segment whose payload stays where it is: slices of the send queue's chunks behind a
     * header buffer, so the device gathers them (writev) instead of the payload being copied into the frame;
     * null (copy instead) if the payload spans too many chunks. Only when the device completes the TCP checksum:
     * otherwise the checksum reads the payload anyway.
     */
    private ByteBuf scatteredFrame(TcpConnection c, int headerLength, int queueOffset, int len) {
        CompositeByteBuf f = stack.ipv4().allocateHeaders(headerLength, 1 + SCATTER_MAX_PIECES);
        if (c.snd.queue.slices(queueOffset, len, f, SCATTER_MAX_PIECES)) {
            return f;
        }
        f.release();
        return null;
    }

    /**
     * Sends our SYN, offering every option the connection offers, or our SYN-ACK, carrying those both SYNs agreed
     * on (RFC 7323 2.2 and 3.2, RFC 2018 2). A SYN's window is never scaled (RFC 7323 2.2).
     */
    void sendSyn(TcpConnection c, boolean withAck) {
        int window = Math.min(c.rcv.window(), TcpReceiver.MAX_UNSCALED_WINDOW);
        boolean ts = withAck ? c.timestamps : c.offerTimestamps;
        boolean sack = withAck ? c.sackPermitted : c.offerSack;
        int wscale = withAck ? (c.rcv.wscaleOk ? c.rcv.wscale : -1) : c.offerWscale;
        // RFC 7323 3.2: TSecr is 0 in a SYN, and echoes the peer's SYN in a SYN-ACK.
        txOptions.syn(c.rcv.mss, sack, ts, c.tsNow(), withAck ? c.tsRecent : 0, wscale);
        ByteBuf f = stack.ipv4().allocate(TcpSegment.MIN_HEADER_LENGTH + txOptions.length());
        writeHeader(f, Ipv4Layer.TRANSPORT_OFFSET, c.localPort, c.remotePort, c.snd.iss, withAck ? c.rcv.nxt : 0,
                SYN | (withAck ? ACK : 0) | c.ecn.synFlags(withAck, c.state == TcpState.SYN_SENT && c.snd.retransmits > 0),
                window, 0, c.localIp(), c.remoteIp, txOptions);
        if (withAck) {
            c.ackSent();
        }
        c.segsOut++;
        transmit(f, c.remoteIp);
    }

    /** Sends a RST: {@code <SEQ=seq><CTL=RST>} or, with {@code withAck}, {@code <SEQ=seq><ACK=ack><CTL=RST,ACK>}. */
    void sendReset(int localIp, int localPort, int remoteIp, int remotePort, int seq, int ack, boolean withAck) {
        ByteBuf f = stack.ipv4().allocate(TcpSegment.MIN_HEADER_LENGTH);
        writeHeader(f, Ipv4Layer.TRANSPORT_OFFSET, localPort, remotePort, seq, withAck ? ack : 0,
                RST | (withAck ? ACK : 0), 0, 0, localIp, remoteIp, null);
        count(Counter.TCP_OUT_RSTS);
        transmit(f, remoteIp);
    }

    /**
     * RFC 5961 challenge ACK: the current ACK, which a legitimate peer answers with an exact RST (3.2), a RST
     * for its new incarnation (4.2) or nothing. Throttled as RFC 5961 7 asks, in Linux's order: first the
     * connection's own limit (one per tcp_invalid_ratelimit, shared with out-of-window ACKs), then the stack-wide
     * budget of tcp_challenge_ack_limit.
     */
    void sendChallengeAck(TcpConnection c) {
        if (c.invalidRateLimited(Counter.TCP_ACK_SKIPPED_CHALLENGE)) {
            return;
        }
        if (!challengeAcks.tryTake(now())) {
            return;
        }
        count(Counter.TCP_CHALLENGE_ACKS);
        c.sendAck();
    }

    private void writeHeader(ByteBuf f, int at, int srcPort, int dstPort, int seq, int ack, int flags, int window,
                             int payloadLength, int srcIp, int dstIp, SegmentOptions options) {
        int headerLength = TcpSegment.MIN_HEADER_LENGTH + (options != null ? options.length() : 0);
        TcpSegment s = tx.wrap(f, at, headerLength + payloadLength);
        s.setSourcePort(srcPort);
        s.setDestinationPort(dstPort);
        s.setSequenceNumber(SeqNum.unsigned(seq));
        s.setAcknowledgmentNumber(SeqNum.unsigned(ack));
        s.setHeaderLength(headerLength);
        s.setFlags(flags);
        s.setWindow(window);
        s.setUrgentPointer(0);
        if (options != null) {
            options.writeTo(f, at + TcpSegment.MIN_HEADER_LENGTH);
        }
        if (stack.tcpChecksumOffload()) {
            s.fillPartialChecksum(srcIp, dstIp);
        } else {
            s.fillChecksum(srcIp, dstIp);
        }
    }

    private void transmit(ByteBuf frame, int destination) {
        transmit(frame, destination, Ecn.NOT_ECT);
    }

    /** Sends with DF set (path MTU discovery, RFC 1191 3) and {@code ecnField} in the IPv4 header's ECN bits. */
    private void transmit(ByteBuf frame, int destination, int ecnField) {
        count(Counter.TCP_OUT_SEGS);
        stack.ipv4().output(frame, destination, Ipv4Packet.PROTO_TCP, ecnField, true);
    }

    // ---------------------------------------------------------------- opening

    /** Opens a connection from {@code localPort} (0: ephemeral) to {@code remoteIp:remotePort}. */
    public TcpConnection connect(int localPort, int remoteIp, int remotePort, int rcvBuf, int sndBuf,
                                 boolean noDelay, boolean keepAlive, int maxSegment) throws TcpException {
        if (!stack.ipv4().hasRoute(remoteIp)) {
            throw new TcpException(Errno.ENETUNREACH);
        }
        int self = stack.ipv4().address();
        if (localPort == 0) {
            localPort = ephemeral.choose(self, remoteIp, remotePort,
                    p -> connections.containsKey(key(remoteIp, remotePort, p)) || listeners.containsKey(p)
                            || boundPorts.containsKey(p));
            if (localPort < 0) {
                throw new TcpException(Errno.EADDRNOTAVAIL);
            }
        } else if (connections.containsKey(key(remoteIp, remotePort, localPort))) {
            throw new TcpException(Errno.EADDRNOTAVAIL);
        }
        TcpConnection c = new TcpConnection(this, self, localPort, remoteIp, remotePort, rcvBuf, sndBuf);
        c.noDelay = noDelay;
        c.keepAlive = keepAlive;
        c.userMss = maxSegment;
        c.snd.mss = Math.min(536, ourMss());
        connections.put(key(remoteIp, remotePort, localPort), c);
        c.connect(isn.isn(self, localPort, remoteIp, remotePort, now()));
        return c;
    }

    /** Starts listening on {@code port}. */
    public TcpListener listen(int localIp, int port, int backlog, int rcvBuf, int sndBuf) throws TcpException {
        if (listeners.containsKey(port)) {
            throw new TcpException(Errno.EADDRINUSE);
        }
        // Linux: somaxconn caps the backlog (4096); the half-open queue follows tcp_max_syn_backlog.
        TcpListener l = new TcpListener(localIp, port, Math.max(0, Math.min(backlog, 4096)), 4096);
        l.receiveBuffer = rcvBuf;
        l.sendBuffer = sndBuf;
        listeners.put(port, l);
        return l;
    }

    /** The next established connection of {@code l}, or null; the caller now holds it. */
    public TcpConnection accept(TcpListener l) {
        TcpConnection c = l.poll();
        if (c != null) {
            c.orphaned = false;
        }
        return c;
    }

    /**
     * Closes a listener as Linux does: established connections still waiting for accept() are reset, half-open
     * ones are dropped silently (a later ACK for one of them finds no listener and draws a RST).
     */
    public void closeListener(TcpListener l) {
        if (l.closed) {
            return;
        }
        l.closed = true;
        listeners.remove(l.localPort);
        for (TcpConnection c : new ArrayList<>(l.halfOpen)) {
            c.transition(TcpEvent.ABORT);
        }
        TcpConnection c;
        while ((c = l.acceptQueue.poll()) != null) {
            c.orphaned = true;
            c.abort();
        }
        signal();
        signal(l);
    }

    /** Reserves a port for a bound socket; false if in use (a listener, or a bound socket without reuse). */
    public boolean reservePort(int port, boolean reuseAddress) {
        if (listeners.containsKey(port) || (boundPorts.containsKey(port) && !reuseAddress)) {
            return false;
        }
        if (!reuseAddress) {
            for (TcpConnection c : connections.values()) {
                if (c.localPort == port) {
                    return false;
                }
            }
        }
        boundPorts.merge(port, 1, Integer::sum);
        return true;
    }

    /** Releases a reservation from {@link #reservePort}. */
    public void releasePort(int port) {
        boundPorts.computeIfPresent(port, (k, v) -> v > 1 ? v - 1 : null);
    }

    /** A free ephemeral port for an explicit bind to port 0. */
    public int ephemeralPort() {
        int self = stack.ipv4().address();
        return ephemeral.choose(self, 0, 0, p -> listeners.containsKey(p) || boundPorts.containsKey(p));
    }

    void dropEmbryo(TcpConnection c) {
        if (c.parent != null) {
            c.parent.halfOpen.remove(c);
        }
        if (c.state == TcpState.LISTEN) {
            // RFC 9293 3.10.7.4 "return this connection to LISTEN state": the listener is that LISTEN state, so
            // the embryo itself is deleted — out of the demultiplexer, no SYN,ACK retransmissions, buffers freed.
            c.stopTimersExceptTimeWait();
            connections.remove(key(c.remoteIp, c.remotePort, c.localPort), c);
            timers.remove(c);
            c.releaseBuffers();
        }
    }

    /** A connection reached CLOSED: remove it from the demultiplexer; release it if nobody holds it. */
    void closed(TcpConnection c) {
        connections.remove(key(c.remoteIp, c.remotePort, c.localPort), c);
        if (c.parent != null) {
            c.parent.halfOpen.remove(c);
        }
        timers.remove(c);
        if (c.orphaned) {
            c.releaseBuffers();
        }
    }

    /** The user let go of a connection (close() done): release it now if it is already CLOSED. */
    public void userReleased(TcpConnection c) {
        c.orphaned = true;
        if (c.state == TcpState.CLOSED) {
            c.releaseBuffers();
        }
    }

    // ---------------------------------------------------------------- timers

    /** Queues {@code c} for its earliest timer, moving it if it is queued, or takes it out if none runs. */
    void reschedule(TcpConnection c) {
        long at = c.nextDeadline();
        if (c.state == TcpState.CLOSED || at == Pollable.NEVER) {
            timers.remove(c);
        } else {
            timers.schedule(c, at);
        }
    }

    /** Runs due connection timers; returns the next deadline. */
    public long poll(long now) {
        TcpConnection c;
        while ((c = timers.first()) != null && timers.firstDeadline() <= now) {
            timers.remove(c);
            c.onTimers(now);
            reschedule(c);
        }
        return timers.isEmpty() ? Pollable.NEVER : timers.firstDeadline();
    }

    // ---------------------------------------------------------------- views

    /** Every connection, for the socket table. */
    public List<TcpConnection> connections() {
        return List.copyOf(connections.values());
    }

    /** Every listener. */
    public List<TcpListener> listeners() {
        return List.copyOf(listeners.values());
    }

    /** Default SO_RCVBUF of new sockets. */
    public int defaultReceiveBuffer() {
        return defaultReceiveBuffer;
    }

    /** Default SO_SNDBUF of new sockets. */
    public int defaultSendBuffer() {
        return defaultSendBuffer;
    }

    /** Sets the default buffer sizes. */
    public void setDefaultBuffers(int receive, int send) {
        defaultReceiveBuffer = receive;
        defaultSendBuffer = send;
    }

    /** Aborts every connection and releases every buffer. */
    public void shutdown() {
        for (TcpListener l : List.copyOf(listeners.values())) {
            closeListener(l);
        }
        for (TcpConnection c : connections.values()) {
            c.orphaned = true;
            if (c.state != TcpState.CLOSED) {
                c.transition(TcpEvent.ABORT);
            }
        }
        // CLOSED connections that a socket still holds are released here too.
        for (TcpConnection c : List.copyOf(live)) {
            c.releaseBuffers();
        }
        timers.clear();
    }
}
