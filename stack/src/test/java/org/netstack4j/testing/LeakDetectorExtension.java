package org.netstack4j.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaks a ByteBuf. Registered for every test by service-loader auto-detection. It installs,
 * before any buffer class is loaded, a leak-detector factory whose detectors record leaks instead of only
 * logging them; after each test it forces garbage collection so that leaked buffers are found, then fails
 * the test if any leak was recorded. The leak level itself (paranoid) comes from the surefire argLine.
 */
public final class LeakDetectorExtension implements AfterEachCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean installed;

    static {
        install();
    }

    /** Installs the recording factory; must run before the first ByteBuf class is loaded. Idempotent. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> type, int samplingInterval) {
            super(type, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            synchronized (LEAKS) {
                LEAKS.add(resourceType + " leaked; last accesses:" + records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            synchronized (LEAKS) {
                LEAKS.add(resourceType + " leaked (no access records)");
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoLeaks(context.getDisplayName());
    }

    /** Runs a full collection and waits (at most 5 s) until the reference handler has enqueued its results. */
    private static void awaitCollection() {
        java.lang.ref.ReferenceQueue<Object> queue = new java.lang.ref.ReferenceQueue<>();
        java.lang.ref.WeakReference<Object> sentinel = new java.lang.ref.WeakReference<>(new Object(), queue);
        System.gc();
        try {
            queue.remove(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
    }

    /** Collects garbage, then throws AssertionError naming {@code where} if any ByteBuf leaked since last asked. */
    public static void assertNoLeaks(String where) {
        // Leaks are noticed when the garbage collector has found a lost buffer, the reference handler thread has
        // enqueued its leak record, and a later allocation polls that queue. The handler runs concurrently, so
        // each round waits for a sentinel of its own collection to be enqueued: once the second round's sentinel
        // is there, everything the first collection found has been enqueued too (the handler works through its
        // pending lists in order), and the probe allocations then poll it.
        for (int i = 0; i < 2; i++) {
            awaitCollection();
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
            ByteBuf probe2 = Unpooled.buffer(1);
            probe2.release();
        }
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("ByteBuf leak detected in " + where + ":\n"
                    + String.join("\n", found));
        }
    }
}
