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
 * Reads a TAP: frames until {@code EAGAIN}, then a sleep in ppoll(2) on the TAP fd and the device's eventfd.
 * Either a reader thread of its own runs it ({@link #run}), or a polling event loop calls {@link #readBatch}
 * and {@link #awaitReadable} itself ({@link org.netstack4j.link.PolledDevice}). {@link TapDevice#close()}
 * writes to the eventfd, which is the only reliable way to wake a thread blocked in the kernel (neither
 * interrupt nor closing the fd does).
 */
final class TapReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TapReader.class);
    private static final long TAP_REVENTS = 6;
    private static final long WAKE_REVENTS = LibC.POLLFD_SIZE + 6;
    /**
     * Read buffers above this size (offloads, jumbo MTUs) get frames that fill at most half of them copied out:
     * the stack charges a queued payload its whole buffer ({@code BufferFootprint}), as Linux charges truesize, so
     * a 3 KB datagram left in a 64 KiB buffer would use up a socket's SO_RCVBUF twenty times over.
     */
    private static final int SMALL_COPY_CAPACITY = 4096;

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
        Arena arena = Arena.ofAuto();
        this.pollFds = arena.allocate(2 * LibC.POLLFD_SIZE, 8);
        this.timespec = arena.allocate(16, 8);
        pollFds.set(JAVA_INT, 0, tapFd);
        pollFds.set(JAVA_SHORT, 4, LibC.POLLIN);
        pollFds.set(JAVA_INT, LibC.POLLFD_SIZE, wakeFd);
        pollFds.set(JAVA_SHORT, LibC.POLLFD_SIZE + 4, LibC.POLLIN);
    }

    /** The poll set and timeout, allocated once; not confined, since a polling event loop owns this reader. */
    private final MemorySegment pollFds;
    private final MemorySegment timespec;
    /** One buffer is kept across EAGAINs so an idle device does not allocate and free on every wake-up. */
    private ByteBuf spare;
    private MemorySegment heapFallback;
    /** The fd is unusable for good (the TAP was deleted, or poll failed). */
    private boolean broken;

    /** The reader thread's longest sleep: a safety net only, the eventfd wakes it at once on close. */
    private static final long SAFETY_POLL_NANOS = 1_000_000_000L;
    /** What {@link #readBatch} returns when the TAP is gone. */
    static final int FATAL = -1;

    @Override
    public void run() {
        try {
            while (!stopRequested.getAsBoolean()) {
                if (readBatch(Integer.MAX_VALUE) == FATAL || !awaitReadable(SAFETY_POLL_NANOS)) {
                    return;
                }
            }
        } finally {
            releaseSpare();
        }
    }

    /**
     * Reads and hands over frames until the TAP has none ready ({@code EAGAIN}) or {@code max} were read.
     *
     * @return frames handed over, or {@link #FATAL} when the TAP is gone and reading must stop
     */
    int readBatch(int max) {
        int frames = 0;
        while (frames < max && !broken && !stopRequested.getAsBoolean()) {
            if (spare == null) {
                spare = PooledByteBufAllocator.DEFAULT.directBuffer(frameCapacity);
            }
            MemorySegment target = NativeView.of(spare, 0, frameCapacity);
            if (target == null) {
                // Only if Netty could not give native memory: read into our own and copy.
                heapFallback = heapFallback != null ? heapFallback : Arena.ofAuto().allocate(frameCapacity);
                target = heapFallback;
            }
            long n = LibC.read(tapFd, target, frameCapacity);
            if (n > 0) {
                if (target == heapFallback) {
                    spare.writeBytes(heapFallback.asSlice(0, n).asByteBuffer());
                } else {
                    spare.writerIndex((int) n);
                }
                frames++;
                if (deliver(spare)) {
                    spare = null;
                } else {
                    spare.clear();
                }
            } else if (n == -Errno.EAGAIN) {
                return frames;
            } else if (n != -Errno.EINTR && !survivable(n)) {
                broken = true;
            }
        }
        return broken ? FATAL : frames;
    }

    /** Lets go of the read buffer kept between reads. */
    void releaseSpare() {
        if (spare != null) {
            spare.release();
            spare = null;
        }
    }

    /**
     * Hands over the frame read into {@code buf} after applying its virtio header, if any. A frame filling at most
     * half of a large (offload-sized) buffer is copied into one of its own size, so that the slices the stack
     * keeps of it do not pin 64 KiB each. Returns true if {@code buf} itself was handed over.
     */
    private boolean deliver(ByteBuf buf) {
        boolean checksumVerified = false;
        if (headerSize > 0) {
            int length = buf.readableBytes() - headerSize;
            VirtioNetHeader.Verdict verdict = length <= 0 ? VirtioNetHeader.Verdict.DROP
                    : VirtioNetHeader.apply(buf, 0, length);
            if (verdict == VirtioNetHeader.Verdict.DROP) {
                counters.offloadDrop();
                return false;
            }
            checksumVerified = verdict == VirtioNetHeader.Verdict.ACCEPT_CHECKSUM_VERIFIED;
            buf.readerIndex(headerSize);
        }
        int length = buf.readableBytes();
        if (buf.capacity() > SMALL_COPY_CAPACITY && length <= buf.capacity() / 2) {
            ByteBuf own = PooledByteBufAllocator.DEFAULT.directBuffer(length);
            own.writeBytes(buf, buf.readerIndex(), length);
            FrameDelivery.deliver(name, receiver, own, checksumVerified, counters);
            return false;
        }
        FrameDelivery.deliver(name, receiver, buf, checksumVerified, counters);
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

    /**
     * Sleeps until the TAP has a frame, the eventfd is written or {@code timeoutNanos} pass. For the reader
     * thread the eventfd means "stop"; for a polling event loop it is its wake-up call, which is then consumed
     * (read) so that the next sleep sleeps. Returns false when the reader must stop: closing, or the TAP went
     * away.
     */
    boolean awaitReadable(long timeoutNanos) {
        pollFds.set(JAVA_SHORT, TAP_REVENTS, (short) 0);
        pollFds.set(JAVA_SHORT, WAKE_REVENTS, (short) 0);
        int ready = LibC.ppoll(pollFds, 2, timeoutNanos, timespec);
        if (ready < 0) {
            if (ready == -Errno.EINTR) {
                return true;
            }
            counters.readError();
            LOG.warn("{}: poll failed ({}); reader stops", name, Errno.describe(-ready));
            broken = true;
            return false;
        }
        if (pollFds.get(JAVA_SHORT, WAKE_REVENTS) != 0) {
            if (stopRequested.getAsBoolean()) {
                return false;
            }
            LibC.read(wakeFd, timespec, 8); // the counter back to 0 (non-blocking; EAGAIN if another read won)
        }
        short tapEvents = pollFds.get(JAVA_SHORT, TAP_REVENTS);
        if ((tapEvents & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) != 0) {
            counters.readError();
            LOG.warn("{}: TAP fd reports error or hang-up (revents=0x{}); reader stops", name,
                    Integer.toHexString(tapEvents));
            broken = true;
            return false;
        }
        return true;
    }
}
