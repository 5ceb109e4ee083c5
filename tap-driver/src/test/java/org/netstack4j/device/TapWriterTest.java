package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The transmit thread's hand-off on its own: order, back-pressure, and stopping with frames queued. */
class TapWriterTest {

    private final AtomicInteger drops = new AtomicInteger();

    private static ByteBuf frame(int seq) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(seq).writeZero(60);
    }

    private TapWriter writer(int capacity, Consumer<ByteBuf> write) {
        return new TapWriter("tap-tx-test", capacity, write, drops::incrementAndGet);
    }

    @Test
    void writesEveryFrameOnceAndInOrderThroughASmallRing() throws Exception {
        int frames = 20_000;
        ConcurrentLinkedQueue<Integer> written = new ConcurrentLinkedQueue<>();
        CountDownLatch all = new CountDownLatch(frames);
        TapWriter w = writer(16, f -> {
            written.add(f.getInt(0));
            f.release();
            all.countDown();
        });
        w.start();
        for (int i = 0; i < frames; i++) {
            w.offer(frame(i)); // far more than 16: the producer waits for room rather than dropping
        }
        assertTrue(all.await(10, TimeUnit.SECONDS), "written: " + written.size());
        w.stop();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            expected.add(i);
        }
        assertEquals(expected, new ArrayList<>(written));
        assertEquals(0, drops.get());
        assertTrue(w.idle());
    }

    @Test
    void idleOnlyOnceEveryQueuedFrameHasBeenWritten() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        TapWriter w = writer(8, f -> {
            entered.countDown();
            await(proceed);
            f.release();
        });
        w.start();
        assertTrue(w.idle());
        w.offer(frame(1));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        // Taken off the ring but still being written: the producer must not write around it.
        assertEquals(0, w.queued());
        assertFalse(w.idle());
        proceed.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!w.idle() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(w.idle());
        w.stop();
    }

    @Test
    void aStalledWriterMakesAFullRingDropAfterABoundedWait() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        List<ByteBuf> offered = new ArrayList<>();
        TapWriter w = writer(4, f -> {
            entered.countDown();
            await(proceed);
            f.release();
        });
        w.start();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            // One in the writer's hands, four queued, then two that find the ring full.
            for (int i = 0; i < 7; i++) {
                ByteBuf f = frame(i);
                offered.add(f);
                w.offer(f);
                if (i == 0) {
                    assertTrue(entered.await(5, TimeUnit.SECONDS), "the writer never took the first frame");
                }
            }
        });
        assertEquals(2, drops.get());
        assertEquals(0, offered.get(5).refCnt());
        assertEquals(0, offered.get(6).refCnt());
        proceed.countDown();
        w.stop();
        offered.forEach(f -> assertEquals(0, f.refCnt()));
    }

    @Test
    void stoppingWithFramesQueuedReleasesThemAllAndLaterOffersToo() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicInteger wrote = new AtomicInteger();
        List<ByteBuf> offered = new ArrayList<>();
        TapWriter w = writer(64, f -> {
            entered.countDown();
            await(proceed);
            wrote.incrementAndGet();
            f.release();
        });
        w.start();
        for (int i = 0; i < 10; i++) {
            ByteBuf f = frame(i);
            offered.add(f);
            w.offer(f);
        }
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        Thread stopper = Thread.ofPlatform().start(w::stop);
        Thread.sleep(50);
        proceed.countDown();
        stopper.join(5000);
        assertFalse(stopper.isAlive(), "stop() hung");
        offered.forEach(f -> assertEquals(0, f.refCnt()));
        assertEquals(10, wrote.get() + drops.get());

        ByteBuf late = frame(99);
        w.offer(late); // the writer has gone: the producer releases it itself
        assertEquals(0, late.refCnt());
        assertEquals(10, wrote.get() + drops.get() - 1);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("tap-tx-test")));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
