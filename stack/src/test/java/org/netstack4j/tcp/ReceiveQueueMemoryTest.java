package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.netstack4j.stack.BufferFootprint;

/**
 * {@link ReceiveQueue} bounds memory, not only bytes: a payload that would keep a much larger frame buffer alive is
 * copied (in order: into the queue's own small buffers, filled up), full-sized segments stay zero-copy, and
 * out-of-order segments beyond {@link ReceiveQueue#memoryLimit()} are dropped and counted.
 */
class ReceiveQueueMemoryTest {
    private static final int RCVBUF = 64 * 1024;

    private static ReceiveQueue queue() {
        return new ReceiveQueue(RCVBUF, PooledByteBufAllocator.DEFAULT);
    }

    /** A frame buffer of {@code capacity} bytes whose payload, at index 54, is {@code payload}. */
    private static ByteBuf frame(int capacity, byte[] payload) {
        ByteBuf f = Unpooled.directBuffer(capacity, capacity);
        f.writerIndex(54);
        f.writeBytes(payload);
        return f;
    }

    @Test
    void oneByteSegmentsShareTheQueuesOwnBuffersAndReleaseTheirFrames() {
        ReceiveQueue q = queue();
        int nxt = 1000;
        ByteBuf[] frames = new ByteBuf[3000];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frame(1536, new byte[] {(byte) i});
            nxt = q.add(nxt, nxt, frames[i], 54, 1);
            frames[i].release();
        }
        assertEquals(1, frames[0].refCnt(), "a lone small payload keeps its frame: cheaper than a new buffer");
        for (int i = 1; i < frames.length; i++) {
            assertEquals(0, frames[i].refCnt(), "the queue kept a 1536-byte frame for one byte: " + i);
        }
        assertEquals(3000, q.readable());
        assertEquals(2, q.readyPieces(), "the first frame, then 2999 bytes in one 4 KiB buffer of the queue's own");
        assertEquals(1536 + ReceiveQueue.COALESCE_CHUNK + 2 * BufferFootprint.PER_BUFFER, q.footprint());
        byte[] got = new byte[3000];
        assertEquals(3000, q.read(got, 0, got.length, false));
        for (int i = 0; i < got.length; i++) {
            assertEquals((byte) i, got[i], "byte " + i);
        }
        q.release();
    }

    @Test
    void coalescingResumesAfterTheApplicationReadsInBetween() {
        ReceiveQueue q = queue();
        int nxt = 0;
        byte[] all = new byte[10_000];
        int readSoFar = 0;
        byte[] got = new byte[all.length];
        int mostPieces = 0;
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i * 7);
            ByteBuf f = frame(1536, new byte[] {all[i]});
            nxt = q.add(nxt, nxt, f, 54, 1);
            f.release();
            mostPieces = Math.max(mostPieces, q.readyPieces());
            if (i % 1000 == 999) {
                readSoFar += q.read(got, readSoFar, 333, false); // partial reads leave the buffer half used
            }
        }
        // At most 7 003 bytes wait unread: they span at most four 4 KiB buffers (the first partly read, the last
        // partly filled), plus the frame of the first byte. A piece per byte would be thousands.
        assertTrue(mostPieces <= 5, mostPieces + " pieces");
        readSoFar += q.read(got, readSoFar, all.length, false);
        assertEquals(all.length, readSoFar);
        assertArrayEquals(all, got);
        assertEquals(0, q.footprint());
        q.release();
    }

    @Test
    void fullSizedSegmentsStayZeroCopy() {
        ReceiveQueue q = queue();
        int nxt = 0;
        ByteBuf[] frames = new ByteBuf[10];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frame(1536, new byte[1448]);
            nxt = q.add(nxt, nxt, frames[i], 54, 1448);
        }
        assertEquals(10, q.readyPieces());
        for (ByteBuf f : frames) {
            assertEquals(2, f.refCnt(), "the queue holds the frame itself");
            f.release();
        }
        assertEquals(10 * (1536 + BufferFootprint.PER_BUFFER), q.footprint());
        q.release();
        for (ByteBuf f : frames) {
            assertEquals(0, f.refCnt());
        }
    }

    @Test
    void aSmallFrameReadIntoA64KiBBufferIsCopiedOut() {
        ReceiveQueue q = queue();
        ByteBuf big = frame(65_536 + 64, new byte[3000]);
        q.add(0, 0, big, 54, 3000);
        assertEquals(1, big.refCnt(), "3000 bytes must not keep a 64 KiB buffer alive");
        big.release();
        ByteBuf ooo = frame(65_536 + 64, new byte[3000]);
        q.add(3000, 10_000, ooo, 54, 3000);
        assertEquals(1, ooo.refCnt(), "nor out of order");
        ooo.release();
        assertTrue(q.footprint() < 2 * 3000 + ReceiveQueue.COALESCE_CHUNK + 2 * BufferFootprint.PER_BUFFER,
                "" + q.footprint());
        q.release();
    }

    @Test
    void anOutOfOrderFloodStopsAtTheMemoryLimit() {
        ReceiveQueue q = queue();
        // One-byte segments with a hole before each: the worst case for memory per byte held.
        ByteBuf src = frame(1536, new byte[1]);
        int sent = RCVBUF / 2;
        int dropped = 0;
        for (int i = 0; i < sent; i++) {
            q.add(0, 2 + 2 * i, src, 54, 1);
            dropped += q.takeMemoryDrops();
        }
        assertTrue(q.footprint() <= q.memoryLimit(), q.footprint() + " > " + q.memoryLimit());
        assertTrue(dropped > 0, "nothing was dropped");
        assertEquals(sent, q.outOfOrderSegments() + dropped, "every segment was held or dropped");
        assertEquals(q.outOfOrderSegments(), q.outOfOrderBytes());
        assertEquals(1, src.refCnt(), "held pieces are copies, not slices of the 1536-byte frame");
        // What was dropped is not held, so not SACKed: the runs end with the last segment held.
        int[] left = new int[1];
        int[] right = new int[1];
        assertEquals(1, q.sackBlocks(0, 2 + 2 * (q.outOfOrderSegments() - 1), left, right, 0, 1));
        assertEquals(2 + 2 * (q.outOfOrderSegments() - 1), left[0]);
        q.release();
        src.release();
    }

    /**
     * A TAP without offloads gives each frame a buffer of about the MTU: a full-sized segment then a short tail,
     * over and over (a writer's 1448 + 100). Copying the tails must never cost more than keeping their frames.
     */
    @Test
    void fullSegmentsWithShortTailsCostNoMoreThanTheirFrames() {
        ReceiveQueue q = queue();
        int nxt = 0;
        long frames = 0;
        for (int i = 0; i < 40; i++) {
            for (int len : new int[] {1448, 100}) {
                ByteBuf f = frame(1536, new byte[len]);
                frames += BufferFootprint.of(f);
                nxt = q.add(nxt, nxt, f, 54, len);
                f.release();
            }
        }
        assertEquals(40 * 1548, q.readable());
        assertTrue(q.footprint() <= frames, q.footprint() + " > " + frames);
        q.release();
    }

    @Test
    void anEarlierSegmentGivesUpHeldDataAboveItWhenMemoryIsFull() {
        ReceiveQueue q = queue();
        ByteBuf src = frame(1536, new byte[1]);
        int seq = 100_000;
        while (q.takeMemoryDrops() == 0) {
            q.add(0, seq, src, 54, 1);
            seq += 2;
        }
        long highestHeld = seq - 4;
        assertEquals(0, q.takePrunes());
        // The hole right after RCV.NXT matters most to the sender: it is kept, the highest held byte goes.
        q.add(0, 50_000, src, 54, 1);
        assertEquals(0, q.takeMemoryDrops());
        assertEquals(1, q.takePrunes());
        assertTrue(q.heldOverlap(50_000, 50_001) != ReceiveQueue.NO_OVERLAP, "the earlier segment is held");
        assertEquals(ReceiveQueue.NO_OVERLAP, q.heldOverlap((int) highestHeld, (int) highestHeld + 1),
                "the highest segment was given up");
        assertTrue(q.heldOverlap(100_000, 100_001) != ReceiveQueue.NO_OVERLAP, "the lowest of the others stays");
        assertTrue(q.footprint() <= q.memoryLimit());
        // SACK blocks no longer report what was given up.
        int[] left = new int[4];
        int[] right = new int[4];
        int n = q.sackBlocks(0, 50_000, left, right, 0, 4);
        for (int i = 0; i < n; i++) {
            assertTrue(right[i] <= highestHeld, "block " + left[i] + "-" + right[i] + " reports data given up");
        }
        q.release();
        src.release();
    }

    @Test
    void aSegmentOverManyHolesIsBoundedPieceByPiece() {
        ReceiveQueue q = queue();
        ByteBuf one = frame(1536, new byte[1]);
        // One byte held at every other sequence number of [2, 40 000): 20 000 holes, until memory is nearly full.
        for (int s = 2; s < 40_000 && q.footprint() < q.memoryLimit() - 1000; s += 2) {
            q.add(0, s, one, 54, 1);
        }
        q.takeMemoryDrops();
        // One 32 KB segment laid over them: each hole it fills is a piece of its own.
        ByteBuf big = frame(65_536 + 64, new byte[32_000]);
        q.add(0, 1, big, 54, 32_000);
        assertTrue(q.footprint() <= q.memoryLimit(), q.footprint() + " > " + q.memoryLimit());
        assertEquals(1, q.takeMemoryDrops(), "the rest of the segment was dropped once room ran out");
        q.release();
        one.release();
        big.release();
    }
}
