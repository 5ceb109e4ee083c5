package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.socket.SocketConstants.SOL_SOCKET;
import static org.netstack4j.socket.SocketConstants.SO_RCVBUF;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.netstack4j.link.FaultProfile;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;

/**
 * Receive-buffer autotuning as Linux's dynamic right-sizing, in the linux profile: the receiver's buffer (and so
 * the window it offers) grows once per round trip with what the application read, up to tcp_rmem[2] (6 MiB), unless
 * the user set SO_RCVBUF. Without it the 128 KiB default held every connection to 128 KiB per round trip: a
 * TAP at MTU 65520 offered two segments and the kernel's sender was window-limited 81 % of the time (ss -ti).
 */
class TcpReceiveBufferAutotuningTest {
    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

    private static final int SIZE = 16 * 1024 * 1024;
    /** A 40 ms round trip and no rate limit: only the windows bound the flight. */
    private static final long DELAY = 20_000_000L;
    private static final int DEFAULT_BUFFER = 131_072;
    /** What a 128 KiB window allows on this path: 128 KiB per 40 ms round trip. */
    private static final double WINDOW_LIMITED_BITS = DEFAULT_BUFFER * 8 / 0.040;

    private TimedTransfer transfer(TcpProfile profile, int lockedReceiveBuffer, long[] grown) throws Exception {
        FaultProfile path = FaultProfile.NONE.withDelay(DELAY, 0);
        try (TwoStacks net = TwoStacks.create(1500, path, 1, null, b -> b.tcpProfile(profile))) {
            TimedTransfer t = lockedReceiveBuffer > 0 ? TimedTransfer.run(net, SIZE, 1, lockedReceiveBuffer)
                    : TimedTransfer.run(net, SIZE, 1);
            grown[0] = net.b.counters().get(Counter.TCP_RCV_BUF_GROWN);
            return t;
        }
    }

    @Test
    void theReceiveBufferGrowsUntilTheWindowNoLongerLimitsTheTransfer() throws Exception {
        long[] grown = new long[1];
        TimedTransfer t = transfer(TcpProfile.LINUX, 0, grown);
        System.out.printf("40 ms path, autotuned: %s, B's receive buffer %d, grown %d times%n", t, t.receiveBuffer(),
                grown[0]);
        assertTrue(t.receiveBuffer() > 8 * DEFAULT_BUFFER, "grew from 128 KiB to " + t.receiveBuffer());
        assertTrue(t.receiveBuffer() <= TcpLayer.LINUX_TCP_RMEM_MAX, "capped at tcp_rmem[2]: " + t.receiveBuffer());
        assertTrue(grown[0] > 0);
        assertTrue(t.goodputBits() > 4 * WINDOW_LIMITED_BITS, "no longer held to 128 KiB per round trip: " + t);
    }

    @Test
    void aReceiveBufferTheUserSetIsNeverTuned() throws Exception {
        long[] grown = new long[1];
        // SO_RCVBUF on B's listener, as a server would set it before listen(2): its connections inherit it.
        TimedTransfer t = transfer(TcpProfile.LINUX, 48 * 1024, grown);
        assertEquals(96 * 1024, t.receiveBuffer(), "SO_RCVBUF 48 KiB, doubled as Linux does, and kept");
        assertEquals(0, grown[0]);
        assertTrue(t.goodputBits() <= WINDOW_LIMITED_BITS, "the set window bounds the transfer: " + t);
    }

    @Test
    void theRfcProfileKeepsItsBuffer() throws Exception {
        long[] grown = new long[1];
        TimedTransfer t = transfer(TcpProfile.RFC, 0, grown);
        assertEquals(DEFAULT_BUFFER, t.receiveBuffer());
        assertEquals(0, grown[0]);
    }

    @Test
    void growthFollowsWhatTheApplicationReadPerRoundTrip() {
        int mss = 1448;
        int max = TcpLayer.LINUX_TCP_RMEM_MAX;
        ReceiveBufferTuning tuning = new ReceiveBufferTuning(max);
        long ms = 1_000_000;
        // The first read starts the measurement with 10 segments as the last round trip's amount.
        assertEquals(DEFAULT_BUFFER, tuning.onConsumed(1000, 0, DEFAULT_BUFFER, mss));
        // No RTT yet: nothing to measure against.
        assertEquals(DEFAULT_BUFFER, tuning.onConsumed(50_000, 20 * ms, DEFAULT_BUFFER, mss));
        // Full-sized segments echoing our timestamps 10 ticks old: RTT 10 ms; a repeated TSecr is no new sample.
        tuning.onTimestampEcho(100, 110, mss);
        tuning.onTimestampEcho(100, 150, mss);
        assertEquals(10 * ms, tuning.rtt());
        // A segment shorter than the peer's largest is no sample (the sender may have waited to fill it).
        tuning.onTimestampEcho(120, 200, 100);
        assertEquals(10 * ms, tuning.rtt());
        // 25 ms after the measurement began, more than an RTT: 61 000 bytes read since, against 14 480 (10 segments)
        // the round trip before: 2 * 61 000 + 16 * 1448, plus twice that times the growth (61 000 - 14 480) / 14 480.
        long window = 2L * 61_000 + 16L * mss;
        long expected = window + 2 * (window * (61_000 - 10 * mss) / (10 * mss));
        assertEquals(expected, tuning.onConsumed(10_000, 25 * ms, DEFAULT_BUFFER, mss));
        // Within the next round trip: no decision yet, however much is read.
        assertEquals((int) expected, tuning.onConsumed(300_000, 30 * ms, (int) expected, mss));
        // That round trip read 300 000 bytes against 61 000: the buffer grows again by the same rule.
        long window2 = 2L * 300_000 + 16L * mss;
        long expected2 = window2 + 2 * (window2 * (300_000 - 61_000) / 61_000);
        assertTrue(expected2 > expected && expected2 < max);
        assertEquals(expected2, tuning.onConsumed(0, 36 * ms, (int) expected, mss));
        // A round trip that reads no more than the last: the buffer stays (it never shrinks).
        assertEquals((int) expected2, tuning.onConsumed(50_000, 47 * ms, (int) expected2, mss));
        // A reading rate far beyond: capped at tcp_rmem[2].
        assertEquals(max, tuning.onConsumed(5_000_000, 60 * ms, (int) expected2, mss));
    }

    @Test
    void withoutTimestampsTheRttIsTheTimeAWholeBufferOfNewDataTakes() {
        long ms = 1_000_000;
        ReceiveBufferTuning tuning = new ReceiveBufferTuning(TcpLayer.LINUX_TCP_RMEM_MAX);
        tuning.onInOrderData(1_000, DEFAULT_BUFFER, 0); // timing starts: done when RCV.NXT passes 1 000 + 128 KiB
        tuning.onInOrderData(60_000, DEFAULT_BUFFER, 2 * ms);
        assertEquals(0, tuning.rtt(), "half a buffer later: no sample yet, however close the segments came");
        tuning.onInOrderData(1_000 + DEFAULT_BUFFER, DEFAULT_BUFFER, 7 * ms);
        assertEquals(7 * ms, tuning.rtt());
        tuning.onInOrderData(1_000 + 3 * DEFAULT_BUFFER, DEFAULT_BUFFER, 9 * ms);
        assertEquals(2 * ms, tuning.rtt(), "the smallest such time");
    }

    @Test
    void segmentsSmallerThanOurMssStillGiveSamples() {
        // A peer behind a 1500-byte path sends 1448-byte segments to a stack whose own MSS is 65 468.
        ReceiveBufferTuning tuning = new ReceiveBufferTuning(TcpLayer.LINUX_TCP_RMEM_MAX);
        tuning.onTimestampEcho(500, 503, 1448);
        assertEquals(3_000_000, tuning.rtt());
    }

    /**
     * A blocking connection from A to B's port 80: B listens, {@code afterListen} gets the listening fd, A connects,
     * B accepts; returns A's and B's connected fds.
     */
    private static int[] connectAndAccept(TwoStacks net, java.util.function.IntConsumer afterListen) {
        org.netstack4j.socket.BsdSockets a = net.socketsA;
        org.netstack4j.socket.BsdSockets b = net.socketsB;
        int l = b.socket(AF_INET, SOCK_STREAM, 0);
        b.bind(l, new SockAddrIn(TwoStacks.B, 80));
        b.listen(l, 4);
        afterListen.accept(l);
        int c = a.socket(AF_INET, SOCK_STREAM, 0);
        a.connect(c, new SockAddrIn(TwoStacks.B, 80));
        return new int[] {c, b.accept(l).fd()};
    }

    @Test
    void soRcvbufSetOnAListeningSocketReachesTheConnectionsItAccepts() {
        try (TwoStacks net = TwoStacks.create(null)) {
            org.netstack4j.socket.BsdSockets b = net.socketsB;
            int s = connectAndAccept(net, l -> b.setsockopt(l, SOL_SOCKET, SO_RCVBUF, 48 * 1024))[1]; // after listen
            assertEquals(96 * 1024, b.getsockopt(s, SOL_SOCKET, SO_RCVBUF), "the size set on the listener, doubled");
            TcpConnection accepted = net.b.tcp().connections().getFirst();
            assertEquals(96 * 1024, accepted.receiveBuffer());
            assertTrue(accepted.receiveBufferLocked, "and not tuned");
        }
    }

    @Test
    void loweringSoRcvbufOnALiveConnectionKeepsTheEdgeAlreadyOffered() {
        try (TwoStacks net = TwoStacks.create(null)) {
            org.netstack4j.socket.BsdSockets a = net.socketsA;
            org.netstack4j.socket.BsdSockets b = net.socketsB;
            int[] fds = connectAndAccept(net, l -> { });
            int c = fds[0];
            int s = fds[1];
            TcpConnection accepted = net.b.tcp().connections().getFirst();
            int offered = accepted.rcv.offered();
            assertEquals(DEFAULT_BUFFER, offered);
            b.setsockopt(s, SOL_SOCKET, SO_RCVBUF, 2048);
            assertEquals(offered, accepted.rcv.offered(), "no shrinking (RFC 9293 3.8.6.2.2)");
            // A sends 64 KiB, all inside the edge it was given: B takes it all, unread, although its buffer is 4 KiB.
            a.write(c, new byte[65_536], 0, 65_536);
            net.sim.runFor(java.time.Duration.ofSeconds(1));
            assertEquals(65_536, accepted.readable());
            assertTrue(accepted.rcv.offered() >= offered - 65_536, "the right edge did not move left");
        }
    }
}
