package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** Write boundaries in the send queue: where a segment, sent or resent, gets PSH. */
class SendQueueTest {
    private final ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);

    @Test
    void writeEndsAreFoundRelativeToTheAcknowledgedFront() {
        SendQueue q = new SendQueue(alloc, 1000);
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
        SendQueue q = new SendQueue(alloc, 80);
        try {
            assertEquals(80, q.write(new byte[100], 0, 100, alloc), "the queue takes what fits");
            assertTrue(q.endsWrite(80));
        } finally {
            q.release();
        }
    }
}
