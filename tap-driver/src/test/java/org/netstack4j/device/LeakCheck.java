package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaked a ByteBuf. Netty's leak detector only logs; this hooks a listener into the buffer
 * leak detector, forces garbage collection after the test and makes the detector look at what was collected.
 */
final class LeakCheck implements BeforeEachCallback, AfterEachCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        install();
        LEAKS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        // The detector reports a leak only when a later allocation finds a collected, unreleased buffer.
        for (int round = 0; round < 5 && LEAKS.isEmpty(); round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 16; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            fail("ByteBuf leak(s) detected:\n" + String.join("\n", LEAKS));
        }
    }

    @SuppressWarnings("unchecked")
    private static synchronized void install() throws ReflectiveOperationException {
        if (installed) {
            return;
        }
        // The buffer detector is package-private in Netty; there is no public way to listen to it.
        Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
        field.setAccessible(true);
        ResourceLeakDetector<ByteBuf> detector = (ResourceLeakDetector<ByteBuf>) field.get(null);
        detector.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
        installed = true;
    }
}
