package org.netstack4j.device;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.PolledDevice;
import org.netstack4j.tcp.TcpLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux TAP interface driven through the FFM API: frames the kernel sends out of the interface arrive at the
 * stack, frames the stack transmits enter the kernel as if received on it.
 *
 * <p>Threads: either one platform reader thread per device ({@link TapReader}), or none when an event loop
 * polls the device itself ({@link PolledDevice}: the loop reads frames in batches and sleeps in ppoll(2) on the
 * TAP and the eventfd). {@link #transmit} writes with one non-blocking write(2) per frame, either directly on
 * the caller's thread or on a transmit thread of the device's own ({@link TapWriter}; see
 * {@link #TX_THREAD_PROPERTY} for when). {@link #close()} stops that thread, wakes the reader through
 * an eventfd, waits for it, then closes the fds, which deletes a non-persistent TAP.
 *
 * <p>The fd keeps working after the interface is moved to another network namespace, which is how tests give
 * the kernel peer its own isolated network.
 */
public final class TapDevice extends ReaderThreadDevice implements PolledDevice {

    private static final Logger LOG = LoggerFactory.getLogger(TapDevice.class);
    private static final String TUN_PATH = "/dev/net/tun";
    /** The kernel refuses smaller MTUs for IPv4 (RFC 791's 68-byte minimum). */
    private static final int MIN_MTU = 68;
    /** Ethernet header plus one 802.1Q tag, which the kernel may pass through untouched. */
    private static final int FRAME_OVERHEAD = 14 + 4;
    /** Largest frame {@link #transmit} can copy out of a non-direct buffer: a 64 KiB IP packet and its headers. */
    private static final int SCRATCH_BYTES = 65536 + FRAME_OVERHEAD;
    /** The largest IPv4 packet (RFC 791 total length), and so the largest TCP super-frame the kernel takes. */
    private static final int MAX_IP_PACKET = 65535;
    private static final long IOVEC_SIZE = 16;

    /** Whether to ask the kernel for offloads (checksum and TCP segmentation) on a TAP. */
    public enum Offload {
        /** Offloads where the kernel supports them (IFF_VNET_HDR, TUNSETOFFLOAD); plain frames otherwise. */
        ON,
        /** Plain frames: every checksum complete, no frame larger than the MTU. */
        OFF
    }

    private final int tapFd;
    private final int wakeFd;
    /** Guards the fds against being closed while {@link #transmit} writes to them. */
    private final Object fdLock = new Object();
    private boolean fdsOpen = true;
    private MemorySegment transmitScratch;
    /** True when every frame, both ways, carries a {@link VirtioNetHeader}. */
    private final boolean vnetHeader;
    /** True when the kernel agreed to the offloads: partial checksums and TCPv4 super-frames both ways. */
    private final boolean offloads;
    /** The stack leaves TCP checksums partial for the kernel to complete ({@link #enableTcpChecksumOffload}). */
    private volatile boolean partialTcpChecksums;
    /** The virtio header and the two-entry iovec for writev(2), reused by every transmit (under fdLock). */
    private final MemorySegment txHeader;
    private final MemorySegment txIov;

    private TapDevice(String name, int mtu, int tapFd, int wakeFd, boolean vnetHeader, boolean offloads) {
        super(name, mtu, "tap-rx-");
        this.tapFd = tapFd;
        this.wakeFd = wakeFd;
        this.vnetHeader = vnetHeader;
        this.offloads = offloads;
        if (vnetHeader) {
            Arena arena = Arena.ofAuto();
            txHeader = arena.allocate(VirtioNetHeader.SIZE, 8);
            txIov = arena.allocate(2 * IOVEC_SIZE, 8);
            txIov.set(JAVA_LONG, 0, txHeader.address());
            txIov.set(JAVA_LONG, 8, VirtioNetHeader.SIZE);
        } else {
            txHeader = null;
            txIov = null;
        }
    }

    /**
     * Creates the TAP called {@code name}, or attaches to it if it exists as a persistent TAP, and sets its MTU.
     *
     * @param name the interface name (at most 15 bytes); empty or containing {@code %d} lets the kernel pick
     * @param mtu  the IP MTU, also set on the kernel side so frames always fit our read buffers
     * @return the open device; {@link #name()} is the name the kernel actually gave
     * @throws DeviceException  for an invalid name or MTU
     * @throws NativeException when a syscall fails, e.g. {@code EPERM} without CAP_NET_ADMIN or {@code EBUSY}
     *                         when another fd already has that TAP
     */
    public static TapDevice open(String name, int mtu) {
        return open(name, mtu, Offload.OFF);
    }

    /**
     * Like {@link #open(String, int)}, with offloads if {@code offload} is ON and the kernel supports them:
     * then the kernel may hand over TCPv4 super-frames of up to 64 KiB and frames whose checksum is still to be
     * completed (both handled here), and {@link #segmentationOffloadLimit()} lets the stack send TCP segments
     * of up to 64 KiB that the kernel cuts to the MTU. {@link #offloads()} tells whether they are on.
     */
    public static TapDevice open(String name, int mtu, Offload offload) {
        TunIoctl.checkName(name);
        if (mtu < MIN_MTU) {
            throw new DeviceException("invalid MTU " + mtu + " for " + name + ": at least " + MIN_MTU);
        }
        int fd = LibC.open(TUN_PATH, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new NativeException("cannot open " + TUN_PATH, -fd);
        }
        int wake = -1;
        try {
            boolean vnet = offload == Offload.ON && TunIoctl.offersVnetHeader(fd);
            String actual = TunIoctl.attachTap(fd, name, vnet);
            boolean offloads = vnet && TunIoctl.enableOffloads(fd, actual);
            TunIoctl.setMtu(actual, mtu);
            int queue = TunIoctl.raiseTxQueueLength(actual, queueFrames(mtu));
            if (queue < 0) {
                LOG.debug("{}: cannot raise txqueuelen: {}", actual, Errno.describe(-queue));
            }
            wake = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
            if (wake < 0) {
                throw new NativeException("cannot create the wake-up eventfd for " + actual, -wake);
            }
            return new TapDevice(actual, mtu, fd, wake, vnet, offloads);
        } catch (RuntimeException e) {
            LibC.close(fd);
            if (wake >= 0) {
                LibC.close(wake);
            }
            throw e;
        }
    }

    /**
     * The frames the kernel should be able to queue for us: a whole advertised window of full segments (the
     * receive buffer autotunes up to Linux's tcp_rmem[2], 6 MiB) plus one ACK per segment of a whole send buffer
     * in flight (tcp_wmem[2], 4 MiB), since a peer in quick-ACK mode acknowledges every segment; at least the
     * kernel's default of 1000. When the stack sends in bulk, the kernel answers within our write(2) and its ACKs
     * wait in this queue until the loop reads them. Sized for less, the queue overflowed in make bench at MTU
     * 1500: with the default 1000 the ACKs of one bulk run (thousands of drops), with 4 MiB / 1460 = 2872 slots
     * still 19-32 ACKs in the first, not yet compiled, run from the stack. It is a bound, not an allocation: the
     * kernel fills it only while the loop falls behind. At large MTUs the default is plenty.
     */
    static int queueFrames(int mtu) {
        int segment = Math.max(1, mtu - MIN_TCP_HEADERS);
        return Math.max(DEFAULT_TX_QUEUE, (TcpLayer.LINUX_TCP_RMEM_MAX + TcpLayer.LINUX_TCP_WMEM_MAX) / segment);
    }

    private static final int DEFAULT_TX_QUEUE = 1000;
    /** IPv4 and TCP headers without options: the largest segment an MTU carries. */
    private static final int MIN_TCP_HEADERS = 40;

    /**
     * Tells whether a TAP can be created here, by creating (and at once deleting) one with a kernel-chosen name.
     * Trying is the only reliable check: capabilities, device cgroups and seccomp can each forbid it.
     *
     * @return empty if TAP devices work, else a one-line reason for a person, e.g.
     *         {@code not permitted: run as root or with CAP_NET_ADMIN}
     */
    public static Optional<String> probe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.of("TAP devices need Linux; this is " + os);
        }
        if (!Files.exists(Path.of(TUN_PATH))) {
            return Optional.of(TUN_PATH + " is missing (load the tun module, or pass the device into the container)");
        }
        try {
            open("", 1500).close();
            return Optional.empty();
        } catch (NativeException e) {
            return Optional.of(e.isPermissionDenied()
                    ? "not permitted: run as root or with CAP_NET_ADMIN (" + e.getMessage() + ")"
                    : e.getMessage());
        } catch (IllegalCallerException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Optional.of(cause instanceof IllegalCallerException
                    ? "native access is disabled: run java with --enable-native-access=ALL-UNNAMED"
                    : "cannot bind libc through FFM: " + cause);
        }
    }





    /** True if the kernel agreed to checksum and TCP segmentation offloads on this TAP. */
    public boolean offloads() {
        return offloads;
    }

    /** Agrees when the kernel took the offloads: it then completes the checksum of every TCP frame we write. */
    @Override
    public boolean enableTcpChecksumOffload() {
        partialTcpChecksums = offloads;
        return offloads;
    }

    /** True once the stack leaves TCP checksums to the kernel ({@link #enableTcpChecksumOffload}). */
    public boolean tcpChecksumOffloaded() {
        return partialTcpChecksums;
    }

    /** 64 KiB with offloads (the kernel segments TCP), else the MTU. */
    @Override
    public int segmentationOffloadLimit() {
        return offloads ? Math.max(mtu, MAX_IP_PACKET) : mtu;
    }

    /**
     * Sends one frame: hands it to the transmit thread if there is one ({@link #TX_THREAD_PROPERTY}), else
     * writes it at once on the caller's thread ({@link #writeNow}).
     */
    @Override
    public void transmit(ByteBuf frame) {
        TapWriter w = writer;
        if (w == null || closed) {
            writeNow(frame);
        } else if (inlineFirst && firstSinceWake && w.idle()) {
            // The loop's first frame since it woke, with nothing queued: a request/response answer costs no
            // hand-off and no wake-up of the writer; a burst goes to the writer from its second frame on.
            firstSinceWake = false;
            writeNow(frame);
        } else {
            firstSinceWake = false;
            w.offer(frame);
        }
    }

    /**
     * Writes one frame: one write(2), or with a virtio header one writev(2) of header and frame, and releases
     * it. Counts it as dropped if the device is closed or the write fails or is short.
     */
    private void writeNow(ByteBuf frame) {
        try {
            int length = frame.readableBytes();
            long written;
            synchronized (fdLock) {
                if (closed || !fdsOpen) {
                    counters.dropped();
                    return;
                }
                if (vnetHeader && !VirtioNetHeader.writeForTransmit(txHeader, frame, frame.readerIndex(), length,
                        offloads ? mtu : Integer.MAX_VALUE, partialTcpChecksums)) {
                    counters.dropped();
                    return;
                }
                MemorySegment source = NativeView.of(frame, frame.readerIndex(), length);
                if (source == null) {
                    source = copyToScratch(frame, length);
                }
                if (source == null) {
                    written = -Errno.EINVAL;
                } else if (vnetHeader) {
                    txIov.set(JAVA_LONG, IOVEC_SIZE, source.address());
                    txIov.set(JAVA_LONG, IOVEC_SIZE + 8, length);
                    long w = LibC.writev(tapFd, txIov, 2);
                    written = w < 0 ? w : w - VirtioNetHeader.SIZE;
                } else {
                    written = LibC.write(tapFd, source, length);
                }
            }
            if (written == length) {
                counters.sent();
            } else {
                counters.dropped();
                LOG.debug("{}: dropped a {}-byte frame: {}", name, length,
                        written < 0 ? Errno.describe((int) -written) : "short write of " + written);
            }
        } finally {
            frame.release();
        }
    }

    /** Copies a heap or composite frame into native memory; null if it is too large to send at all. */
    private MemorySegment copyToScratch(ByteBuf frame, int length) {
        if (length > SCRATCH_BYTES) {
            return null;
        }
        if (transmitScratch == null) {
            transmitScratch = Arena.ofAuto().allocate(SCRATCH_BYTES);
        }
        MemorySegment target = transmitScratch.asSlice(0, length);
        frame.getBytes(frame.readerIndex(), target.asByteBuffer());
        return target;
    }


    /**
     * System property choosing who calls write(2): {@code false} the transmitting thread (the event loop) itself;
     * {@code true} always a transmit thread of the device's own ({@link TapWriter}); {@code adaptive} that thread,
     * except that a polling loop writes the first frame after each wake-up itself while the thread is idle. Unset:
     * adaptive on a polled TAP whose frames are at most {@link #TX_THREAD_MAX_FRAME} (no offloads, MTU up to
     * 9000), inline otherwise.
     *
     * <p>Why (iperf3 and a 1-byte TCP ping-pong into a namespace, 2 cores): at MTU 1500 without offloads write(2)
     * runs the kernel's whole receive path and is two thirds of the loop's time; on a thread of its own the stack
     * sends 1.5 -> 2.6 Gbit/s and receives 3.1 -> 4.4, and writing the lone answer inline keeps request/response
     * round trips as fast as before (always handing off costs a wake-up, about 6 us per round trip). With 64 KiB
     * super-frames (offloads, or MTU 65520) there are few frames, the loop is waiting rather than busy, and the
     * hand-off's wake-ups made every figure worse (e.g. 22.6 -> 17.8 Gbit/s to the stack at MTU 1500 with
     * offloads), so there the loop keeps writing inline.
     */
    public static final String TX_THREAD_PROPERTY = "netstack4j.txThread";
    /** The largest frame (IP packet) for which the transmit thread is the default: a 9000-byte jumbo MTU. */
    static final int TX_THREAD_MAX_FRAME = 9000;
    /** Frames the transmit thread's queue holds: a few congestion windows' worth of bursts at MTU 1500. */
    private static final int TX_QUEUE_FRAMES = 256;
    /** The transmit thread, if any: set once when the device starts, before the first transmit. */
    private volatile TapWriter writer;
    /** Adaptive mode: the polling loop writes the first frame after each wake-up itself if the writer is idle. */
    private boolean inlineFirst;
    /** No frame transmitted since the polling loop last returned from {@link #await}; loop thread only. */
    private boolean firstSinceWake;

    @Override
    void starting(boolean polled) {
        String mode = System.getProperty(TX_THREAD_PROPERTY, "");
        if (mode.isEmpty()) {
            mode = polled && segmentationOffloadLimit() <= TX_THREAD_MAX_FRAME ? "adaptive" : "false";
        }
        inlineFirst = polled && mode.equals("adaptive");
        if (mode.equals("adaptive") || Boolean.parseBoolean(mode)) {
            TapWriter w = new TapWriter("tap-tx-" + name, TX_QUEUE_FRAMES, this::writeNow, counters::dropped);
            w.start();
            writer = w;
        }
    }

    /** Stops the transmit thread, which drops and releases what is still queued, before the fds close. */
    @Override
    void closing() {
        TapWriter w = writer;
        if (w != null) {
            w.stop();
        }
    }

    /** True if frames are written by a transmit thread of the device's own. */
    public boolean hasTransmitThread() {
        return writer != null;
    }

    /** The reader a polling event loop drives; set by {@link #startPolled}, used on that loop's thread only. */
    private TapReader polledReader;

    @Override
    public void startPolled(FrameReceiver receiver) {
        startPolling();
        polledReader = (TapReader) readerBody(receiver);
    }

    @Override
    public int readReady(int max) {
        int n = polledReader.readBatch(max);
        return Math.max(n, 0);
    }

    @Override
    public void await(long timeoutNanos) {
        if (!closed) {
            polledReader.awaitReadable(timeoutNanos);
        }
        firstSinceWake = true;
    }

    @Override
    public void wakeUp() {
        synchronized (fdLock) {
            if (fdsOpen) {
                wakeReader();
            }
        }
    }

    @Override
    public void stopPolling() {
        if (polledReader != null) {
            polledReader.releaseSpare();
        }
        pollingStopped();
    }

    @Override
    void wakeReader() {
        long result = LibC.write(wakeFd, ONE, JAVA_LONG.byteSize());
        if (result < 0 && result != -Errno.EAGAIN) {
            // The reader still notices the closed flag within its poll timeout.
            LOG.warn("{}: cannot wake the reader: {}", name, Errno.describe((int) -result));
        }
    }

    /** The 8-byte 1 that an eventfd write adds; never written after this, so any thread may pass it. */
    private static final MemorySegment ONE = Arena.global().allocate(JAVA_LONG);

    static {
        ONE.set(JAVA_LONG, 0, 1L);
    }


    @Override
    Runnable readerBody(FrameReceiver receiver) {
        int capacity = (offloads ? Math.max(mtu, MAX_IP_PACKET) : mtu) + FRAME_OVERHEAD;
        return new TapReader(name, tapFd, wakeFd, capacity, vnetHeader ? VirtioNetHeader.SIZE : 0, receiver,
                counters, () -> closed);
    }

    /** Closes the fds (deleting a non-persistent TAP) once neither close() nor the reader uses them. */
    @Override
    void release() {
        synchronized (fdLock) {
            fdsOpen = false;
            LibC.close(tapFd);
            LibC.close(wakeFd);
        }
    }

    @Override
    public String toString() {
        return "TapDevice[" + name + ", mtu " + mtu + (offloads ? ", offloads" : "") + ", " + counters + "]";
    }
}
