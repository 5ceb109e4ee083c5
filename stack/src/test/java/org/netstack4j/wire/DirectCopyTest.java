package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;

/** Copies by address between direct buffers and into arrays, with Netty's bounds and reference-count rules. */
class DirectCopyTest {
    private static ByteBuf pattern(ByteBuf b, int n) {
        for (int i = 0; i < n; i++) {
            b.writeByte(i * 7 + 3);
        }
        return b;
    }

    @Test
    void copiesBetweenPooledSlicedAndHeapBuffersAsNettyWould() {
        ByteBuf src = pattern(PooledByteBufAllocator.DEFAULT.directBuffer(3000), 3000);
        ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(3000).writeZero(3000);
        ByteBuf slice = src.retainedSlice(100, 2000);
        ByteBuf heap = Unpooled.buffer(3000).writeZero(3000);
        try {
            DirectCopy.copy(src, 10, dst, 20, 1500);
            DirectCopy.copy(slice, 5, heap, 0, 1000); // heap destination: Netty's own path
            byte[] array = new byte[1000];
            DirectCopy.copy(slice, 5, array, 0, 1000);
            for (int i = 0; i < 1500; i++) {
                assertEquals(src.getByte(10 + i), dst.getByte(20 + i), "byte " + i);
            }
            assertEquals(0, dst.getByte(19), "nothing written before the range");
            assertEquals(0, dst.getByte(1520), "nothing written after it");
            byte[] expected = new byte[1000];
            src.getBytes(105, expected);
            assertArrayEquals(expected, array);
            byte[] viaHeap = new byte[1000];
            heap.getBytes(0, viaHeap);
            assertArrayEquals(expected, viaHeap);
        } finally {
            src.release();
            dst.release();
            slice.release();
            heap.release();
        }
    }

    @Test
    void outOfBoundsAndReleasedBuffersAreRefused() {
        ByteBuf src = pattern(PooledByteBufAllocator.DEFAULT.directBuffer(100), 100);
        ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(100).writeZero(100);
        try {
            assertThrows(IndexOutOfBoundsException.class, () -> DirectCopy.copy(src, 50, dst, 0, 51));
            assertThrows(IndexOutOfBoundsException.class, () -> DirectCopy.copy(src, 0, dst, 60, 41));
            assertThrows(IndexOutOfBoundsException.class, () -> DirectCopy.copy(src, -1, new byte[10], 0, 5));
        } finally {
            dst.release();
        }
        ByteBuf released = src;
        released.release();
        assertThrows(IllegalReferenceCountException.class, () -> DirectCopy.copy(released, 0, new byte[10], 0, 5));
    }
}
