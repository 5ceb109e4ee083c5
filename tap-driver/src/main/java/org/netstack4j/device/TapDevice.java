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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux TAP interface driven through the FFM API: frames the kernel sends out of the interface arrive at the
 * stack, frames the stack transmits enter the kernel as if received on it.
 *
 * <p>Threads: one platform reader thread per device ({@link TapReader}); {@link #transmit} writes directly
 * from the caller's thread with one non-blocking write(2) per frame. {@link #close()} wakes the reader through
 * an eventfd, waits for it, then closes the fds, which deletes a non-persistent TAP.
 *
 * <p>The fd keeps working after the interface is moved to another network namespace, which is how tests give
 * the kernel peer its own isolated network.
 */
public final class TapDevice extends ReaderThreadDevice {

    private static final Logger LOG = LoggerFactory.getLogger(TapDevice.class);
    private static final String TUN_PATH = "/dev/net/tun";
    /** The kernel refuses smaller MTUs for IPv4 (RFC 791's 68-byte minimum). */
    private static final int MIN_MTU = 68;
    /** Ethernet header plus one 802.1Q tag, which the kernel may pass through untouched. */
    private static final int FRAME_OVERHEAD = 14 + 4;
    /** Largest frame {@link #transmit} can copy out of a non-direct buffer. */
    private static final int SCRATCH_BYTES = 65536;

    private final int tapFd;
    private final int wakeFd;
    /** Guards the fds against being closed while {@link #transmit} writes to them. */
    private final Object fdLock = new Object();
    private boolean fdsOpen = true;
    private MemorySegment transmitScratch;

    private TapDevice(String name, int mtu, int tapFd, int wakeFd) {
        super(name, mtu, "tap-rx-");
        this.tapFd = tapFd;
        this.wakeFd = wakeFd;
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
            String actual = TunIoctl.attachTap(fd, name);
            TunIoctl.setMtu(actual, mtu);
            wake = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
            if (wake < 0) {
                throw new NativeException("cannot create the wake-up eventfd for " + actual, -wake);
            }
            return new TapDevice(actual, mtu, fd, wake);
        } catch (RuntimeException e) {
            LibC.close(fd);
            if (wake >= 0) {
                LibC.close(wake);
            }
            throw e;
        }
    }

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





    /** Writes one frame (one write(2)); counts it as dropped if the write fails or is short. */
    @Override
    public void transmit(ByteBuf frame) {
        try {
            int length = frame.readableBytes();
            long written;
            synchronized (fdLock) {
                if (closed || !fdsOpen) {
                    counters.dropped();
                    return;
                }
                MemorySegment source = NativeView.of(frame, frame.readerIndex(), length);
                if (source == null) {
                    source = copyToScratch(frame, length);
                }
                written = source == null ? -Errno.EINVAL : LibC.write(tapFd, source, length);
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


    @Override
    void wakeReader() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            long result = LibC.write(wakeFd, one, JAVA_LONG.byteSize());
            if (result < 0) {
                // The reader still notices the closed flag within its poll timeout.
                LOG.warn("{}: cannot wake the reader: {}", name, Errno.describe((int) -result));
            }
        }
    }


    @Override
    Runnable readerBody(FrameReceiver receiver) {
        return new TapReader(name, tapFd, wakeFd, mtu + FRAME_OVERHEAD, receiver, counters, () -> closed);
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
        return "TapDevice[" + name + ", mtu " + mtu + ", " + counters + "]";
    }
}
