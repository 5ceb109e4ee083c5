package org.netstack4j.device;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The ioctls that turn an open {@code /dev/net/tun} fd into a TAP interface and size it. Both take a
 * {@code struct ifreq}: 40 bytes, the interface name in the first 16 (NUL-terminated), the request's own field
 * (flags as a short, or the MTU as an int) at offset 16.
 */
final class TunIoctl {

    /** The kernel's IFNAMSIZ (16) minus the terminating NUL. */
    static final int MAX_NAME_BYTES = 15;

    private static final long TUNSETIFF = 0x400454caL;
    private static final long SIOCSIFMTU = 0x8922L;
    private static final long SIOCGIFTXQLEN = 0x8942L;
    private static final long SIOCSIFTXQLEN = 0x8943L;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    private static final long TUNGETFEATURES = 0x800454cfL;
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** TUNSETOFFLOAD flags: we complete checksums and take TCPv4 super-frames (with or without ECN). */
    private static final long TUN_F_CSUM = 0x01;
    private static final long TUN_F_TSO4 = 0x02;
    private static final long TUN_F_TSO_ECN = 0x08;
    private static final long IFREQ_SIZE = 40;
    private static final long IFREQ_DATA = 16;

    private TunIoctl() {
    }

    /**
     * Rejects names the kernel would refuse, before any syscall, so the user sees what is wrong with the name
     * rather than a bare EINVAL. An empty name or one with {@code %d} lets the kernel pick a free number.
     */
    static void checkName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_NAME_BYTES) {
            throw new DeviceException("invalid interface name \"" + name + "\": " + bytes.length
                    + " bytes, the kernel allows at most " + MAX_NAME_BYTES);
        }
        if (name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c == 0)) {
            throw new DeviceException("invalid interface name \"" + name
                    + "\": it may not be . or .. nor contain '/', ':', NUL or whitespace");
        }
    }

    /**
     * Attaches {@code fd} to the TAP called {@code name}, creating it if needed (IFF_TAP | IFF_NO_PI: raw
     * Ethernet frames, no 4-byte packet-information prefix). Returns the name the kernel actually used.
     */
    static String attachTap(int fd, String name, boolean vnetHeader) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = ifreq(arena, name);
            ifreq.set(JAVA_SHORT, IFREQ_DATA, (short) (IFF_TAP | IFF_NO_PI | (vnetHeader ? IFF_VNET_HDR : 0)));
            int result = LibC.ioctl(fd, TUNSETIFF, ifreq);
            if (result < 0) {
                throw new NativeException("cannot create or attach TAP \"" + name + "\" (TUNSETIFF)", -result);
            }
            return ifreq.getString(0);
        }
    }

    /** True if the tun driver behind {@code fd} (not yet attached) offers IFF_VNET_HDR (TUNGETFEATURES). */
    static boolean offersVnetHeader(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment features = arena.allocate(JAVA_INT);
            return LibC.ioctl(fd, TUNGETFEATURES, features) >= 0 && (features.get(JAVA_INT, 0) & IFF_VNET_HDR) != 0;
        }
    }

    /**
     * Makes the attached TAP use {@link VirtioNetHeader#SIZE}-byte headers and lets the kernel hand over (and
     * take) partial checksums and TCPv4 super-frames. Returns false if the kernel refuses the offloads.
     */
    static boolean enableOffloads(int fd, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(JAVA_INT);
            size.set(JAVA_INT, 0, VirtioNetHeader.SIZE);
            int result = LibC.ioctl(fd, TUNSETVNETHDRSZ, size);
            if (result < 0) {
                throw new NativeException("cannot set the virtio header size of " + name + " (TUNSETVNETHDRSZ)", -result);
            }
        }
        return LibC.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN) >= 0;
    }

    /**
     * Sets the interface MTU so that the kernel never hands us a frame larger than the buffers we read into.
     * SIOCSIFMTU works on any socket; a throwaway UDP socket is the usual vehicle.
     */
    static void setMtu(String name, int mtu) {
        int sock = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (sock < 0) {
            throw new NativeException("cannot create a socket to set the MTU of " + name, -sock);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = ifreq(arena, name);
            ifreq.set(JAVA_INT, IFREQ_DATA, mtu);
            int result = LibC.ioctl(sock, SIOCSIFMTU, ifreq);
            if (result < 0) {
                throw new NativeException("cannot set MTU " + mtu + " on " + name + " (SIOCSIFMTU)", -result);
            }
        } finally {
            LibC.close(sock);
        }
    }

    /**
     * Raises the interface's transmit queue (txqueuelen: for a TAP, the frames the kernel holds for us to read)
     * to at least {@code frames}; never lowers it. Returns the length now in force, or a negative errno if it
     * could not be read or set (the caller carries on with the kernel's queue).
     */
    static int raiseTxQueueLength(String name, int frames) {
        int sock = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (sock < 0) {
            return sock;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = ifreq(arena, name);
            int result = LibC.ioctl(sock, SIOCGIFTXQLEN, ifreq);
            if (result < 0) {
                return result;
            }
            int current = ifreq.get(JAVA_INT, IFREQ_DATA);
            if (current >= frames) {
                return current;
            }
            ifreq.set(JAVA_INT, IFREQ_DATA, frames);
            result = LibC.ioctl(sock, SIOCSIFTXQLEN, ifreq);
            return result < 0 ? result : frames;
        } finally {
            LibC.close(sock);
        }
    }

    private static MemorySegment ifreq(Arena arena, String name) {
        // Arena memory is zeroed, so the name is NUL-terminated and the unused union bytes are 0.
        MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(bytes, 0, ifreq, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        return ifreq;
    }
}
