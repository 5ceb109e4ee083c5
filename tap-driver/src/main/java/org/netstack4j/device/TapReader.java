package org.netstack4j.device;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;
import org.netstack4j.link.FrameReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a TAP device's reader thread: read frames until {@code EAGAIN}, then sleep in poll(2) on the TAP
 * fd and the device's eventfd. {@link TapDevice#close()} writes to the eventfd, which is the only reliable way
 * to wake a thread blocked in the kernel (neither interrupt nor closing the fd does).
 */
final class TapReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TapReader.class);
    /** A safety net only: the eventfd already wakes us at once on close. */
    private static final int POLL_TIMEOUT_MILLIS = 1000;
    private static final long TAP_REVENTS = 6;
    private static final long WAKE_REVENTS = LibC.POLLFD_SIZE + 6;
    /** Read buffers above this size (offloads, jumbo MTUs) get small frames copied out of them. */
    private static final int SMALL_COPY_CAPACITY = 4096;
    /** Frames up to this size are copied out of a large read buffer: an MTU-1500 frame and then some. */
    private static final int SMALL_FRAME = 2048;

    private final String name;
    private final int tapFd;
    private final int wakeFd;
    private final int frameCapacity;
    /** {@link VirtioNetHeader#SIZE} when the TAP puts a virtio header before each frame, else 0. */
    private final int headerSize;
    private final FrameReceiver receiver;
    private final DeviceCounters counters;
    private final BooleanSupplier stopRequested;

    TapReader(String name, int tapFd, int wakeFd, int frameCapacity, int headerSize, FrameReceiver receiver,
              DeviceCounters counters, BooleanSupplier stopRequested) {
        this.name = name;
        this.tapFd = tapFd;
        this.wakeFd = wakeFd;
        this.frameCapacity = frameCapacity + headerSize;
        this.headerSize = headerSize;
        this.receiver = receiver;
        this.counters = counters;
        this.stopRequested = stopRequested;
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollFds = arena.allocate(2 * LibC.POLLFD_SIZE, 8);
            pollFds.set(JAVA_INT, 0, tapFd);
            pollFds.set(JAVA_SHORT, 4, LibC.POLLIN);
            pollFds.set(JAVA_INT, LibC.POLLFD_SIZE, wakeFd);
            pollFds.set(JAVA_SHORT, LibC.POLLFD_SIZE + 4, LibC.POLLIN);
            readLoop(pollFds, arena);
        }
    }

    private void readLoop(MemorySegment pollFds, Arena arena) {
        // One buffer is kept across EAGAINs so an idle device does not allocate and free on every wake-up.
        ByteBuf spare = null;
        MemorySegment heapFallback = null;
        try {
            while (!stopRequested.getAsBoolean()) {
                if (spare == null) {
                    spare = PooledByteBufAllocator.DEFAULT.directBuffer(frameCapacity);
                }
                MemorySegment target = NativeView.of(spare, 0, frameCapacity);
                if (target == null) {
                    // Only if Netty could not give native memory: read into our own and copy.
                    heapFallback = heapFallback != null ? heapFallback : arena.allocate(frameCapacity);
                    target = heapFallback;
                }
                long n = LibC.read(tapFd, target, frameCapacity);
                if (n > 0) {
                    if (target == heapFallback) {
                        spare.writeBytes(heapFallback.asSlice(0, n).asByteBuffer());
                    } else {
                        spare.writerIndex((int) n);
                    }
                    if (deliver(spare)) {
                        spare = null;
                    } else {
                        spare.clear();
                    }
                } else if (n == -Errno.EAGAIN) {
                    if (!awaitReadable(pollFds)) {
                        return;
                    }
                } else if (n != -Errno.EINTR && !survivable(n)) {
                    return;
                }
            }
        } finally {
            if (spare != null) {
                spare.release();
            }
        }
    }

    /**
     * Hands over the frame read into {@code buf} after applying its virtio header, if any. A small frame read
     * into a large (offload-sized) buffer is copied into one of its own size, so that the slices the stack
     * keeps of it do not pin 64 KiB each. Returns true if {@code buf} itself was handed over.
     */
    private boolean deliver(ByteBuf buf) {
        if (headerSize > 0) {
            int length = buf.readableBytes() - headerSize;
            if (length <= 0 || VirtioNetHeader.apply(buf, 0, length) != VirtioNetHeader.Verdict.ACCEPT) {
                counters.offloadDrop();
                return false;
            }
            buf.readerIndex(headerSize);
        }
        int length = buf.readableBytes();
        if (buf.capacity() > SMALL_COPY_CAPACITY && length <= SMALL_FRAME) {
            ByteBuf own = PooledByteBufAllocator.DEFAULT.directBuffer(length);
            own.writeBytes(buf, buf.readerIndex(), length);
            FrameDelivery.deliver(name, receiver, own, counters);
            return false;
        }
        FrameDelivery.deliver(name, receiver, buf, counters);
        return true;
    }

    /** Counts a failed read; returns false when the fd is unusable for good (the TAP was deleted). */
    private boolean survivable(long result) {
        counters.readError();
        if (result == 0 || result == -Errno.EBADFD || result == -Errno.EBADF) {
            String why = result == 0 ? "end of file" : Errno.describe((int) -result);
            LOG.warn("{}: TAP read failed ({}); the interface is gone, reader stops", name, why);
            return false;
        }
        LOG.debug("{}: TAP read failed: {}", name, Errno.describe((int) -result));
        return true;
    }

    /** Sleeps until the TAP has a frame; returns false when the device is closing or the TAP went away. */
    private boolean awaitReadable(MemorySegment pollFds) {
        pollFds.set(JAVA_SHORT, TAP_REVENTS, (short) 0);
        pollFds.set(JAVA_SHORT, WAKE_REVENTS, (short) 0);
        int ready = LibC.poll(pollFds, 2, POLL_TIMEOUT_MILLIS);
        if (ready < 0) {
            if (ready == -Errno.EINTR) {
                return true;
            }
            counters.readError();
            LOG.warn("{}: poll failed ({}); reader stops", name, Errno.describe(-ready));
            return false;
        }
        if (pollFds.get(JAVA_SHORT, WAKE_REVENTS) != 0) {
            return false;
        }
        short tapEvents = pollFds.get(JAVA_SHORT, TAP_REVENTS);
        if ((tapEvents & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) != 0) {
            counters.readError();
            LOG.warn("{}: TAP fd reports error or hang-up (revents=0x{}); reader stops", name,
                    Integer.toHexString(tapEvents));
            return false;
        }
        return true;
    }
}
