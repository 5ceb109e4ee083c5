package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies between two direct buffers by address. Netty's own {@code getBytes(int, ByteBuf, int, int)} goes through
 * the destination's internal NIO view, which a pooled buffer builds anew (a {@code DirectByteBuffer} object) each
 * time it is reused for a frame once its chunk's cache of views is exhausted: with thousands of frames in flight
 * (an autotuned 6 MiB window) that was about 50 bytes of garbage per frame on the send path. Here bounds and
 * reference counts are checked once and the bytes move with one {@link MemorySegment#copy}; any other pair of
 * buffers takes Netty's path.
 */
public final class DirectCopy {

    private DirectCopy() {
    }

    /** Copies {@code length} bytes at absolute {@code srcIndex} of {@code src} to absolute {@code dstIndex} of {@code dst}. */
    public static void copy(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length) {
        ByteBuf s = LeakTracking.untracked(src);
        ByteBuf d = LeakTracking.untracked(dst);
        MemorySegment all = InternetChecksum.ADDRESS_SPACE;
        if (all == null || !s.hasMemoryAddress() || !d.hasMemoryAddress()) {
            src.getBytes(srcIndex, dst, dstIndex, length);
            return;
        }
        if (length < 0 || srcIndex < 0 || dstIndex < 0 || srcIndex + length > s.capacity()
                || dstIndex + length > d.capacity() || srcIndex + length < 0 || dstIndex + length < 0) {
            throw new IndexOutOfBoundsException("copy of " + length + " bytes from " + srcIndex + " of "
                    + s.capacity() + " to " + dstIndex + " of " + d.capacity());
        }
        if (s.refCnt() == 0 || d.refCnt() == 0) {
            throw new io.netty.util.IllegalReferenceCountException(0);
        }
        MemorySegment.copy(all, s.memoryAddress() + srcIndex, all, d.memoryAddress() + dstIndex, length);
    }

    /**
     * Copies {@code length} bytes at absolute {@code index} of {@code src} into {@code dst} at {@code offset}: by
     * address from a direct buffer (Netty would build the buffer's NIO view, an object per received frame once the
     * chunk's cache of views runs out), through Netty otherwise.
     */
    public static void copy(ByteBuf src, int index, byte[] dst, int offset, int length) {
        ByteBuf s = LeakTracking.untracked(src);
        MemorySegment all = InternetChecksum.ADDRESS_SPACE;
        if (all == null || !s.hasMemoryAddress()) {
            src.getBytes(index, dst, offset, length);
            return;
        }
        if (length < 0 || index < 0 || index + length > s.capacity() || index + length < 0) {
            throw new IndexOutOfBoundsException("copy of " + length + " bytes from " + index + " of " + s.capacity());
        }
        if (s.refCnt() == 0) {
            throw new io.netty.util.IllegalReferenceCountException(0);
        }
        MemorySegment.copy(all, ValueLayout.JAVA_BYTE, s.memoryAddress() + index, dst, offset, length);
    }
}
