package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The receiver's in-order byte pieces: order across pieces, partial reads, peeking, and buffer references. */
class ByteRangeQueueTest {
    private static ByteBuf frame(int first, int length) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(length + 10);
        b.writeZero(10); // a header the pieces do not include
        for (int i = 0; i < length; i++) {
            b.writeByte(first + i);
        }
        return b;
    }

    @Test
    void readsAcrossPiecesInOrderAndReleasesThemWhenConsumed() {
        ByteRangeQueue q = new ByteRangeQueue(2);
        ByteBuf[] frames = new ByteBuf[5];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frame(i * 10, 10);
            q.add(frames[i].retain(), 10, 10); // the queue's reference; it grows past 2 pieces
            frames[i].release(); // the caller's
        }
        assertEquals(50, q.readable());
        assertEquals(5, q.pieces());
        byte[] out = new byte[15];
        assertEquals(15, q.read(out, 0, 15, true), "peek");
        assertEquals(50, q.readable(), "peeking keeps the bytes");
        Arrays.fill(out, (byte) -1);
        assertEquals(15, q.read(out, 0, 15, false));
        for (int i = 0; i < 15; i++) {
            assertEquals(i, out[i]);
        }
        assertEquals(0, frames[0].refCnt(), "a consumed piece releases its frame");
        assertEquals(1, frames[1].refCnt(), "a half-read one keeps it");
        byte[] rest = new byte[100];
        assertEquals(35, q.read(rest, 5, 100, false), "as many as held");
        for (int i = 0; i < 35; i++) {
            assertEquals(15 + i, rest[5 + i]);
        }
        assertEquals(0, q.readable());
        for (ByteBuf f : frames) {
            assertEquals(0, f.refCnt());
        }
    }

    @Test
    void oneFrameMayBackSeveralPiecesAndSkipAndClearRelease() {
        ByteRangeQueue q = new ByteRangeQueue(4);
        ByteBuf f = frame(0, 20);
        q.add(f, 10, 5); // the caller's reference moves into the queue
        q.add(f.retain(), 20, 10);
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[] {100, 101, 102});
        q.add(heap, 0, 3); // a heap buffer goes through getBytes
        assertEquals(3, q.skip(3));
        byte[] out = new byte[4];
        assertEquals(4, q.read(out, 0, 4, false));
        assertArrayEquals(new byte[] {3, 4, 10, 11}, out);
        assertEquals(1, f.refCnt(), "the second piece still holds the frame");
        assertEquals(2, q.read(null, 0, 2, false), "a null array drops bytes uncopied");
        assertEquals(9, q.readable());
        q.clear();
        assertEquals(0, q.readable());
        assertEquals(0, f.refCnt());
        assertEquals(0, heap.refCnt());
    }
}
