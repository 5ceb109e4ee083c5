package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TapDevice against the real kernel. Each test moves its TAP into a namespace of its own, so the only peer it
 * can reach is the kernel stack the test configured there.
 */
class TapDeviceTest {

    private static final byte[] OUR_MAC = {2, 0, 0, 0, 0, 2};
    private static final byte[] OUR_IP = {10, 99, 0, 2};
    private static final byte[] KERNEL_IP = {10, 99, 0, 1};

    @BeforeEach
    void needsRootAndTun() {
        KernelAssumptions.assumeRootWithTun();
    }

    @Test
    void kernelAnswersAnArpRequestSentThroughTheTap() throws Exception {
        String tapName = "n4t" + NetNs.randomSuffix();
        FrameQueue frames = new FrameQueue();
        try (NetNs ns = NetNs.create();
             TapDevice tap = TapDevice.open(tapName, 1500)) {
            assertEquals(tapName, tap.name());
            Cmd.run("ip", "link", "set", tapName, "netns", ns.name());
            ns.ip("addr", "add", "10.99.0.1/24", "dev", tapName);
            ns.ip("link", "set", tapName, "up");
            byte[] kernelMac = ns.macOf(tapName);
            tap.start(frames);

            tap.transmit(ArpFrames.request(OUR_MAC, OUR_IP, KERNEL_IP));

            byte[] reply = frames.awaitMatching(ArpFrames::isReply, Duration.ofSeconds(5));
            assertNotNull(reply, "no ARP reply from the kernel; frames seen:" + frames.summary());
            ArpFrames.assertReplyTo(reply, OUR_MAC, OUR_IP, KERNEL_IP, kernelMac);

            // A heap buffer has no native address: transmit must copy it out rather than fail.
            tap.transmit(ArpFrames.onHeap(ArpFrames.request(OUR_MAC, OUR_IP, KERNEL_IP)));
            byte[] secondReply = frames.awaitMatching(ArpFrames::isReply, Duration.ofSeconds(5));
            assertNotNull(secondReply, "no ARP reply to the heap-buffer request; frames seen:" + frames.summary());
            ArpFrames.assertReplyTo(secondReply, OUR_MAC, OUR_IP, KERNEL_IP, kernelMac);

            assertNull(frames.contractViolation());
            assertEquals(2, eventually(() -> tap.counters().framesSent(), 2));
            assertEquals(0, tap.counters().transmitDrops());
            assertTrue(tap.counters().framesReceived() >= 1);
            assertEquals(0, tap.counters().readErrors());
        }
    }

    @Test
    void closeStopsTheReaderPromptlyAndDeletesTheTap() throws Exception {
        String tapName = "n4t" + NetNs.randomSuffix();
        TapDevice tap = TapDevice.open(tapName, 1500);
        try {
            tap.start(new FrameQueue());
        } finally {
            tap.close();
        }
        tap.close(); // idempotent
        assertFalse(Cmd.succeeds("ip", "link", "show", "dev", tapName), "TAP still exists after close");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("tap-rx-" + tapName)), "reader thread still alive");

        ByteBuf late = ArpFrames.request(OUR_MAC, OUR_IP, KERNEL_IP);
        tap.transmit(late);
        assertEquals(0, late.refCnt(), "transmit after close must still release the frame");
        assertEquals(1, tap.counters().transmitDrops());
    }

    @Test
    void theKernelsQueueTowardsTheStackHoldsAFullWindowAndTheAcksOfAFullSendBuffer() throws Exception {
        // (6 MiB + 4 MiB) / 1460: a whole advertised window of segments plus one ACK per segment in flight.
        assertEquals(7182, TapDevice.queueFrames(1500));
        assertEquals(1170, TapDevice.queueFrames(9000));
        assertEquals(1000, TapDevice.queueFrames(65520), "at the largest MTU the kernel's default is plenty");
        try (TapDevice tap = TapDevice.open("n4tq%d", 1500)) {
            String queue = java.nio.file.Files.readString(
                    java.nio.file.Path.of("/sys/class/net", tap.name(), "tx_queue_len")).trim();
            assertEquals(TapDevice.queueFrames(1500), Integer.parseInt(queue));
        }
    }

    @Test
    void kernelPicksTheNumberForANameTemplate() {
        try (TapDevice tap = TapDevice.open("n4tpl%d", 1500)) {
            assertTrue(tap.name().matches("n4tpl\\d+"), "kernel-chosen name: " + tap.name());
        }
    }

    @Test
    @SuppressWarnings("try") // the first device is held only so that the name stays taken
    void secondOpenOfTheSameTapFailsWithEbusy() {
        String tapName = "n4t" + NetNs.randomSuffix();
        try (TapDevice first = TapDevice.open(tapName, 1500)) {
            NativeException e = assertThrows(NativeException.class, () -> TapDevice.open(tapName, 1500).close());
            assertEquals(Errno.EBUSY, e.errno());
            assertEquals("cannot create or attach TAP \"" + tapName
                    + "\" (TUNSETIFF): Device or resource busy (EBUSY)", e.getMessage());
        }
    }

    @Test
    void aPolledTapWritesThroughItsTransmitThreadAndCloseReleasesWhatIsQueued() throws Exception {
        String tapName = "n4t" + NetNs.randomSuffix();
        FrameQueue frames = new FrameQueue();
        int burst = 2000;
        java.util.List<ByteBuf> sent = new java.util.ArrayList<>();
        TapDevice tap = TapDevice.open(tapName, 1500);
        try (NetNs ns = NetNs.create()) {
            Cmd.run("ip", "link", "set", tapName, "netns", ns.name());
            ns.ip("addr", "add", "10.99.0.1/24", "dev", tapName);
            ns.ip("link", "set", tapName, "up");
            byte[] kernelMac = ns.macOf(tapName);
            startWithDefaultTransmitMode(() -> tap.startPolled(frames)); // this test thread plays the event loop
            assertTrue(tap.hasTransmitThread(), "a polled TAP at MTU 1500 without offloads has a transmit thread");
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("tap-tx-" + tapName)));

            tap.await(0); // "woke up": the first frame may be written inline, the second goes to the thread
            tap.transmit(ArpFrames.request(OUR_MAC, OUR_IP, KERNEL_IP));
            tap.transmit(ArpFrames.request(OUR_MAC, OUR_IP, KERNEL_IP));
            int replies = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (replies < 2 && System.nanoTime() < deadline) {
                tap.readReady(64);
                byte[] reply = frames.awaitMatching(ArpFrames::isReply, Duration.ofMillis(50));
                if (reply != null) {
                    ArpFrames.assertReplyTo(reply, OUR_MAC, OUR_IP, KERNEL_IP, kernelMac);
                    replies++;
                }
            }
            assertEquals(2, replies, "ARP replies to both requests; frames seen:" + frames.summary());
            assertEquals(2, eventually(() -> tap.counters().framesSent(), 2));

            // A burst, then close at once: whatever the thread has not written yet is dropped and released.
            for (int i = 0; i < burst; i++) {
                ByteBuf f = ArpFrames.request(OUR_MAC, OUR_IP, KERNEL_IP);
                sent.add(f.retain()); // one reference for the check below
                tap.transmit(f);
            }
        } finally {
            long start = System.nanoTime();
            tap.close();
            tap.stopPolling();
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "close took too long");
        }
        for (ByteBuf f : sent) {
            assertEquals(1, f.refCnt(), "the device released its reference to every frame");
            f.release();
        }
        assertEquals(2 + burst, tap.counters().framesSent() + tap.counters().transmitDrops());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("tap-tx-" + tapName)),
                "transmit thread still alive");
        assertFalse(Cmd.succeeds("ip", "link", "show", "dev", tapName), "TAP still exists after close");
    }

    @Test
    void noTransmitThreadWithOffloadsOrWithoutPolling() {
        try (TapDevice plain = TapDevice.open("n4t" + NetNs.randomSuffix(), 1500)) {
            startWithDefaultTransmitMode(() -> plain.start(new FrameQueue()));
            assertFalse(plain.hasTransmitThread(), "a reader-thread TAP writes inline unless asked");
        }
        TapDevice offloaded = TapDevice.open("n4t" + NetNs.randomSuffix(), 1500, TapDevice.Offload.ON);
        try {
            startWithDefaultTransmitMode(() -> offloaded.startPolled(new FrameQueue()));
            assertEquals(!offloaded.offloads(), offloaded.hasTransmitThread(),
                    "64 KiB super-frames are written inline by the loop");
        } finally {
            offloaded.close();
            offloaded.stopPolling();
        }
    }

    /**
     * The counter's value once it reaches {@code expected} or a second has passed. A transmit thread counts a
     * frame when its write(2) returns, and the kernel may answer the frame (inside that write) before then.
     */
    private static long eventually(LongSupplier counter, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return counter.getAsLong();
    }

    /** Starts a device as if {@link TapDevice#TX_THREAD_PROPERTY} were unset, whatever this JVM was given. */
    private static void startWithDefaultTransmitMode(Runnable start) {
        String given = System.clearProperty(TapDevice.TX_THREAD_PROPERTY);
        try {
            start.run();
        } finally {
            if (given != null) {
                System.setProperty(TapDevice.TX_THREAD_PROPERTY, given);
            }
        }
    }

    @Test
    void probeFindsTapUsableWhenRoot() {
        assertEquals(Optional.empty(), TapDevice.probe());
    }
}
