package org.netstack4j.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check itself must be able to fail: a buffer dropped without release is reported. */
class LeakDetectorSelfTest {
    @Test
    void aDroppedBufferIsReported() {
        leak();
        AssertionError e = assertThrows(AssertionError.class, () -> LeakDetectorExtension.assertNoLeaks("self-test"));
        assertTrue(e.getMessage().contains("leak"), e.getMessage());
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeInt(1);
    }
}
