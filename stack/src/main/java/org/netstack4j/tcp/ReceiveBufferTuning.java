package org.netstack4j.tcp;

/**
 * Receive-buffer autotuning, as Linux's dynamic right-sizing (tcp_rcv_space_adjust and the receiver's RTT
 * estimate, tcp_rcv_rtt_measure): a connection starts with the default buffer (tcp_rmem[1], 128 KiB) and, once per
 * receiver round trip, grows it to what the application read in the last round trip, doubled (room for a loss to be
 * repaired), plus room for the sender to double its rate again (slow start), up to tcp_rmem[2] (6 MiB). The buffer
 * never shrinks. Without it a 128 KiB window caps a connection at 128 KiB per round trip however fast the path is;
 * the window shift was always chosen for the largest buffer (RFC 7323 2.2), so the peer can be offered all of it.
 *
 * <p>The receiver's RTT comes from timestamps when both sides use them (now minus the TSecr of a full-sized segment,
 * in whole timestamp ticks and at least one, averaged with weight 1/8), else from how long a whole buffer's worth of
 * new data takes to arrive (the smallest such time): the sender cannot have more than one window in flight, so that
 * takes at least a round trip. "Full-sized" is measured against the largest segment the peer has sent (Linux's
 * rcv_mss estimate), not our MSS: a peer behind a smaller path MTU never sends segments of our MSS. Owned by the
 * connection, on the stack's thread.
 */
final class ReceiveBufferTuning {
    /** Nanoseconds per timestamp tick (our TSval clock runs at 1 kHz, as Linux's). */
    private static final long TICK_NANOS = 1_000_000;

    private final int max;
    /** Bytes the application has taken, ever. */
    private long consumed;
    /** {@link #consumed} when the current measurement began, and when it began. */
    private long measureConsumed;
    private long measureStart = -1;
    /** Bytes the application took in the last measured round trip (Linux rcvq_space.space); 0 until set. */
    private int space;
    /** The receiver's RTT estimate in nanoseconds; 0 until measured. */
    private long rtt;
    /** The last TSecr used for a sample (one sample per echoed value). */
    private int lastTsecr;
    private boolean haveTsecr;
    /** The largest segment the peer has sent so far: what "full-sized" means for an RTT sample. */
    private int largestSegment;
    /** Without timestamps: the sequence number that ends the window being timed, and when timing began. */
    private int windowEnd;
    private long windowStart = -1;

    /** Tuning up to {@code max} bytes (tcp_rmem[2]). */
    ReceiveBufferTuning(int max) {
        this.max = max;
    }

    /** The receiver's RTT estimate in nanoseconds, 0 if none yet. */
    long rtt() {
        return rtt;
    }

    /**
     * A data segment of {@code length} bytes arrived carrying TSecr {@code tsecr} while our clock reads
     * {@code tsNow} ticks: a sample if the segment is full-sized (as large as any the peer sent) and echoes a value
     * not used before.
     */
    void onTimestampEcho(int tsecr, int tsNow, int length) {
        largestSegment = Math.max(largestSegment, length);
        if (tsecr == 0 || (haveTsecr && tsecr == lastTsecr) || length < largestSegment) {
            return;
        }
        lastTsecr = tsecr;
        haveTsecr = true;
        int ticks = tsNow - tsecr;
        if (ticks >= 0) {
            long sample = Math.max(1, ticks) * TICK_NANOS;
            rtt = rtt == 0 ? sample : rtt + (sample - rtt) / 8;
        }
    }

    /**
     * In-order data moved RCV.NXT to {@code nxt} (connections without timestamps); {@code buffer} is the receive
     * buffer's size, the most the sender can have had in flight: receiving that much more takes a round trip.
     */
    void onInOrderData(int nxt, int buffer, long now) {
        if (windowStart >= 0) {
            if (SeqNum.lt(nxt, windowEnd)) {
                return;
            }
            long sample = now - windowStart;
            if (sample > 0) {
                rtt = rtt == 0 ? sample : Math.min(rtt, sample);
            }
        }
        windowEnd = nxt + Math.max(1, buffer);
        windowStart = now;
    }

    /**
     * The application took {@code n} bytes; returns the buffer size to use from now on ({@code limit} or more).
     *
     * @param limit the current buffer size
     * @param mss   the largest segment the peer sends us
     */
    int onConsumed(int n, long now, int limit, int mss) {
        consumed += n;
        if (measureStart < 0) {
            measureStart = now;
            measureConsumed = consumed - n;
            space = Math.min(limit, 10 * mss); // Linux tcp_init_buffer_space: at most TCP_INIT_CWND segments
            return limit;
        }
        if (rtt == 0 || now - measureStart < rtt) {
            return limit;
        }
        long copied = consumed - measureConsumed;
        int result = limit;
        if (copied > space) {
            // Twice what was read in the round trip, 16 segments of cushion, and as much again as the reading rate
            // grew since the last round trip (the sender may still be doubling).
            long window = 2 * copied + 16L * mss;
            long grow = window * (copied - space) / Math.max(1, space);
            result = (int) Math.max(limit, Math.min(max, window + 2 * grow));
            space = (int) Math.min(Integer.MAX_VALUE, copied);
        }
        measureConsumed = consumed;
        measureStart = now;
        return result;
    }
}
