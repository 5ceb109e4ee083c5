package org.netstack4j.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.SplittableRandom;
import org.netstack4j.arp.ArpCache;
import org.netstack4j.icmp.IcmpLayer;
import org.netstack4j.ipv4.Ipv4Layer;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.stats.Counter;
import org.netstack4j.stats.Counters;
import org.netstack4j.time.Clock;
import org.netstack4j.time.Pollable;
import org.netstack4j.tcp.TcpLayer;
import org.netstack4j.udp.UdpLayer;
import org.netstack4j.wire.EthernetFrame;

/**
 * One network stack on one interface: the composition root of the protocol core.
 *
 * <p>Not thread-safe by design: exactly one thread — an {@link EventLoop} in production, the test or the
 * {@link Simulation} in virtual time — calls {@link #receive}, {@link #poll} and every socket operation. The
 * stack reads time only from the injected {@link Clock} and sends only through its {@link NetworkDevice}.
 * It never throws out of {@link #receive}: a malformed frame is counted and dropped, and its buffer released.
 */
public final class NetStack implements Pollable, FrameReceiver {
    private final StackConfig config;
    private final NetworkDevice device;
    private final Clock clock;
    private final ByteBufAllocator alloc;
    private final Counters counters = new Counters();
    private final SplittableRandom random;
    private final EthernetFrame rxFrame = new EthernetFrame();
    private final int mtu;
    private final int tcpPacketLimit;
    private final boolean tcpChecksumOffload;
    /** RFC 791: the total length field has 16 bits. */
    private static final int MAX_IP_PACKET = 65535;
    private final ArpCache arp;
    private final Ipv4Layer ipv4;
    private final IcmpLayer icmp;
    private final UdpLayer udp;
    private final TcpLayer tcp;
    private Runnable readinessListener = () -> { };
    private boolean started;
    /** No event is being handled: {@link #now()} reads the clock. */
    private static final long NO_EVENT = Long.MIN_VALUE;
    /** The time of the frame or poll being handled, read once for all of it; {@link #NO_EVENT} between them. */
    private long eventTime = NO_EVENT;

    /** A stack on {@code device} using the pooled direct allocator. */
    public NetStack(StackConfig config, NetworkDevice device, Clock clock) {
        this(config, device, clock, PooledByteBufAllocator.DEFAULT);
    }

    /** A stack on {@code device} allocating from {@code alloc}. */
    public NetStack(StackConfig config, NetworkDevice device, Clock clock, ByteBufAllocator alloc) {
        this.config = config;
        this.device = device;
        this.clock = clock;
        this.alloc = alloc;
        this.random = new SplittableRandom(config.seed());
        this.mtu = config.mtu() != 0 ? Math.min(config.mtu(), device.mtu()) : device.mtu();
        // The device cuts large TCP packets to its own MTU, so the offload is only usable at that MTU.
        this.tcpPacketLimit = mtu == device.mtu()
                ? Math.max(mtu, Math.min(device.segmentationOffloadLimit(), MAX_IP_PACKET)) : mtu;
        this.tcpChecksumOffload = device.enableTcpChecksumOffload();
        this.arp = new ArpCache(this);
        this.ipv4 = new Ipv4Layer(this);
        this.icmp = new IcmpLayer(this);
        this.udp = new UdpLayer(this);
        byte[] isnKey = new byte[32];
        new java.util.SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L).nextBytes(isnKey);
        this.tcp = new TcpLayer(this, config.tcpProfile(), isnKey);
    }

    /** Announces the address with a gratuitous ARP (RFC 5227 section 3). Call once, on the owning thread. */
    public void start() {
        if (!started) {
            started = true;
            arp.announce();
        }
    }

    /**
     * Handles one received Ethernet frame and releases it. Never throws: an unexpected error in a handler is
     * counted as {@code Link InInternalErrors}, because one bad packet must not stop the event loop.
     */
    @Override
    public void receive(ByteBuf frame) {
        receive(frame, false);
    }

    /**
     * Like {@link #receive(ByteBuf)}, for a frame whose TCP or UDP checksum the device has vouched for
     * ({@link FrameReceiver#receive(ByteBuf, boolean)}): that sum over the payload is skipped, every other
     * check (the IPv4 header checksum among them) is made.
     */
    @Override
    public void receive(ByteBuf frame, boolean transportChecksumVerified) {
        boolean outermost = beginEvent();
        try {
            counters.inc(Counter.LINK_IN_FRAMES);
            EthernetFrame eth = rxFrame.wrap(frame, frame.readerIndex(), frame.readableBytes());
            if (eth.check() != null) {
                counters.inc(Counter.LINK_IN_TRUNCATED);
                return;
            }
            long dst = eth.destination();
            if (dst != config.mac().bits() && (dst & 0x0100_0000_0000L) == 0) {
                counters.inc(Counter.LINK_IN_NOT_FOR_US);
                return;
            }
            switch (eth.etherType()) {
                case EthernetFrame.TYPE_IPV4 -> ipv4.receive(frame, eth.payloadOffset(), eth.payloadLength(),
                        transportChecksumVerified);
                case EthernetFrame.TYPE_ARP -> arp.receive(frame, eth.payloadOffset(), eth.payloadLength());
                default -> counters.inc(Counter.LINK_IN_UNKNOWN_TYPE);
            }
        } catch (RuntimeException e) {
            counters.inc(Counter.LINK_IN_ERRORS_CAUGHT);
            org.slf4j.LoggerFactory.getLogger(NetStack.class).warn("dropped a frame after an internal error", e);
        } finally {
            endEvent(outermost);
            frame.release();
        }
    }

    /**
     * Runs due timers, then the stream and accept handlers that the frames, timers and calls since the last
     * poll queued ({@link TcpLayer#deliverNotifications}); returns the next deadline. Drivers call it after
     * each batch of frames, so handlers see a burst at once.
     */
    @Override
    public long poll() {
        boolean outermost = beginEvent();
        try {
            long now = eventTime;
            long next = arp.poll(now);
            next = Math.min(next, ipv4.poll(now));
            long tcpNext = tcp.poll(now);
            boolean handled = tcp.deliverNotifications();
            // After the handlers: an ACK held for the end of the batch may have gone out on their replies.
            tcp.flushBatchAcks();
            if (handled) {
                // Handlers may have written (arming timers) or closed connections.
                tcpNext = tcp.poll(now);
            }
            return Math.min(next, tcpNext);
        } finally {
            endEvent(outermost);
        }
    }

    /**
     * The protocol's notion of now: inside {@link #receive} and {@link #poll} the time the event began, read from
     * the clock once (as Linux stamps a segment's processing with one tcp_mstamp); outside them the clock itself.
     * One read per event instead of one per send time, RTT sample, timer and ARP check: the clock was an eighth
     * of the loop's CPU in a bulk send at MTU 1500. An event lasts microseconds, far below any protocol timer.
     */
    public long now() {
        long t = eventTime;
        return t != NO_EVENT ? t : clock.nanos();
    }

    /** Runs a socket call queued by another thread as one event, with {@link #now()} read once for it. */
    public void runEvent(Runnable task) {
        boolean outermost = beginEvent();
        try {
            task.run();
        } finally {
            endEvent(outermost);
        }
    }

    /**
     * Reads the clock again for the rest of the running event, if any: before a stream handler runs, since one may
     * write for a long time.
     */
    public void refreshEventTime() {
        if (eventTime != NO_EVENT) {
            eventTime = clock.nanos();
        }
    }

    /** True while a frame, a poll or a queued socket call is being handled (and {@link #now()} is frozen). */
    public boolean inEvent() {
        return eventTime != NO_EVENT;
    }

    /** Freezes {@link #now()} for an event unless one is already running; true if this call froze it. */
    private boolean beginEvent() {
        if (eventTime != NO_EVENT) {
            return false;
        }
        eventTime = clock.nanos();
        return true;
    }

    private void endEvent(boolean outermost) {
        if (outermost) {
            eventTime = NO_EVENT;
        }
    }

    /** Sends a finished Ethernet frame; takes ownership. Used by the ARP layer only. */
    public void transmitFrame(ByteBuf frame) {
        counters.inc(Counter.LINK_OUT_FRAMES);
        device.transmit(frame);
    }

    /** Sets what runs (on the loop thread) whenever some socket may have become readable or writable. */
    public void setReadinessListener(Runnable listener) {
        this.readinessListener = listener;
    }

    /** Tells the driver that socket state changed, so blocked callers and pollers look again. */
    public void signalReadiness() {
        readinessListener.run();
    }

    /** The configuration. */
    public StackConfig config() {
        return config;
    }

    /** The effective IP MTU: the smaller of the configured and the device's. */
    public int mtu() {
        return mtu;
    }

    /**
     * The largest IPv4 packet with one TCP segment the stack may hand the device: the MTU, or up to 64 KiB when
     * the device does TCP segmentation offload ({@link NetworkDevice#segmentationOffloadLimit()}).
     */
    public int tcpPacketLimit() {
        return tcpPacketLimit;
    }

    /**
     * True when the device completes TCP checksums ({@link NetworkDevice#enableTcpChecksumOffload}): TCP then
     * writes only the pseudo-header sum and never sums its payload.
     */
    public boolean tcpChecksumOffload() {
        return tcpChecksumOffload;
    }

    /** The injected clock. */
    public Clock clock() {
        return clock;
    }

    /** The buffer allocator for frames. */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    /** The counters. */
    public Counters counters() {
        return counters;
    }

    /** The seeded random generator for ports and identifiers. */
    public SplittableRandom random() {
        return random;
    }

    /** The device. */
    public NetworkDevice device() {
        return device;
    }

    /** The ARP cache. */
    public ArpCache arp() {
        return arp;
    }

    /** The IPv4 layer. */
    public Ipv4Layer ipv4() {
        return ipv4;
    }

    /** The ICMP layer. */
    public IcmpLayer icmp() {
        return icmp;
    }

    /** The UDP layer. */
    public UdpLayer udp() {
        return udp;
    }

    /** The TCP layer. */
    public TcpLayer tcp() {
        return tcp;
    }

    /** Releases every buffer the stack holds (queues, reassembly, socket data). Call on the owning thread. */
    public void shutdown() {
        tcp.shutdown();
        udp.closeAll();
        ipv4.shutdown();
        arp.shutdown();
    }
}
