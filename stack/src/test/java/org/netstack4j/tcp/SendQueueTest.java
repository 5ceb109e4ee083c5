package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The send queue: its bytes across chunks and acknowledgements, and write boundaries (where a segment gets PSH). */
class SendQueueTest {
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

    @Test
    void writeEndsAreFoundRelativeToTheAcknowledgedFront() {
        SendQueue q = new SendQueue(1000);
        try {
            assertFalse(q.endsWrite(0), "nothing written");
            assertEquals(100, q.write(new byte[100], 0, 100, alloc));
            assertEquals(50, q.write(new byte[50], 0, 50, alloc));
            assertTrue(q.endsWrite(100));
            assertTrue(q.endsWrite(150));
            assertFalse(q.endsWrite(120), "inside the second write");
            assertFalse(q.endsWrite(60), "inside the first write");
            q.acknowledge(60);
            assertTrue(q.endsWrite(40), "the first write's end, now 40 bytes after SND.UNA");
            assertTrue(q.endsWrite(90));
            q.acknowledge(40);
            assertFalse(q.endsWrite(0), "an acknowledged boundary is forgotten");
            assertTrue(q.endsWrite(50));
        } finally {
            q.release();
        }
    }

    @Test
    void aPartialWriteEndsWhereItsBytesEnd() {
        SendQueue q = new SendQueue(80);
        try {
            assertEquals(80, q.write(new byte[100], 0, 100, alloc), "the queue takes what fits");
            assertTrue(q.endsWrite(80));
        } finally {
            q.release();
        }
    }

    @Test
    void bytesComeBackInOrderAcrossWritesChunksAndAcknowledgements() {
        // 40 000 bytes in writes of odd sizes: several chunks, writes that fill a chunk's rest and open the next.
        SendQueue q = new SendQueue(40_000);
        ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(3000);
        try {
            byte[] src = new byte[40_000];
            for (int i = 0; i < src.length; i++) {
                src[i] = (byte) (i * 7);
            }
            int queued = 0;
            for (int size : new int[] {1, 999, 15_000, 384, 7, 16_384, 3000, 10_000}) {
                queued += q.write(src, queued, Math.min(size, src.length - queued), alloc);
            }
            assertEquals(40_000, queued);
            assertEquals(0, q.free());
            long acked = 0;
            for (int step : new int[] {0, 1000, 15_383, 1, 2999, 10_000}) {
                q.acknowledge(step);
                acked += step;
                // Segments straddling chunk ends, at the front and further in.
                for (int offset : new int[] {0, 1, 383, 999, 14_999, 16_383, 20_000}) {
                    int len = (int) Math.min(3000, 40_000 - acked - offset);
                    if (len <= 0) {
                        continue;
                    }
                    q.copy(offset, dst, 0, len);
                    for (int i = 0; i < len; i++) {
                        assertEquals(src[(int) acked + offset + i], dst.getByte(i), "at " + (acked + offset + i));
                    }
                }
            }
            assertEquals(40_000 - acked, q.size());
            q.acknowledge(q.size());
            assertEquals(0, q.size());
            assertEquals(7, q.write(src, 0, 7, alloc), "writes go on after the queue emptied");
            q.copy(0, dst, 0, 7);
            assertEquals(src[6], dst.getByte(6));
        } finally {
            q.release();
            dst.release();
        }
    }

    @Test
    void slicesCarryTheBytesWithoutACopyAndOutliveTheirAcknowledgement() {
        SendQueue q = new SendQueue(100_000);
        CompositeByteBuf frame = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(16);
        try {
            byte[] src = new byte[70_000];
            for (int i = 0; i < src.length; i++) {
                src[i] = (byte) (i * 13 + 1);
            }
            for (int off = 0; off < src.length; off += 17_500) { // four writes, each in a chunk of its own
                assertEquals(17_500, q.write(src, off, 17_500, PooledByteBufAllocator.DEFAULT));
            }
            assertTrue(q.slices(1_000, 65_000, frame, 8), "65 000 bytes over 4 chunks fit in 8 slices");
            assertEquals(4, frame.numComponents());
            q.acknowledge(70_000);
            assertEquals(0, q.size());
            byte[] got = new byte[65_000];
            frame.getBytes(0, got);
            assertArrayEquals(java.util.Arrays.copyOfRange(src, 1_000, 66_000), got,
                    "the slices must keep the acknowledged chunks alive and unchanged");
        } finally {
            frame.release();
            q.release();
        }
    }

    @Test
    void aRangeOverTooManyChunksIsNotSlicedAtAll() {
        SendQueue q = new SendQueue(10_000);
        CompositeByteBuf frame = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(16);
        try {
            // Small writes get small chunks (four times the write): 400 bytes in 10-byte writes span 10 chunks.
            for (int i = 0; i < 40; i++) {
                assertEquals(10, q.write(new byte[10], 0, 10, PooledByteBufAllocator.DEFAULT));
            }
            assertFalse(q.slices(0, 400, frame, 8));
            assertEquals(0, frame.numComponents(), "nothing added when the range is refused");
            assertTrue(q.slices(0, 40, frame, 8), "the first chunk alone is fine");
        } finally {
            frame.release();
            q.release();
        }
    }
}
