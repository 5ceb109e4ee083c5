package org.netstack4j.tcp;

/**
 * Proportional Rate Reduction (RFC 6937 section 3) with the slow-start reduction bound, as Linux uses it: during
 * fast recovery each ACK lets out data in proportion to what it reports delivered, so that the window comes down
 * from RecoverFS to ssthresh evenly over one round trip instead of in a stall and a burst (RFC 6675), and climbs
 * back towards ssthresh no faster than slow start when losses took the pipe below it. All amounts are bytes.
 *
 * <p>Per ACK, with DeliveredData the bytes it newly acknowledged or SACKed and pipe the RFC 6675 estimate after it:
 * <pre>
 *   prr_delivered += DeliveredData
 *   if pipe &gt; ssthresh: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out
 *   else:                sndcnt = MIN(ssthresh - pipe, MAX(prr_delivered - prr_out, DeliveredData) + MSS)
 * </pre>
 * (in whole segments, see {@link #sendCount}) and every byte sent during recovery adds to prr_out. The caller
 * makes cwnd = pipe + sndcnt (as Linux's tcp_cwnd_reduction does), so that its usual sending rule sends sndcnt;
 * at the end of recovery cwnd = ssthresh.
 *
 * <p>Without SACK the receiver's progress is estimated as RFC 6937 section 3 suggests and Linux does: each
 * duplicate ACK counts one MSS as delivered (and as out of the pipe); a partial ACK delivers the retransmitted
 * hole plus whatever it covers beyond the duplicates already counted.
 */
final class ProportionalRateReduction {
    /** prr_delivered: bytes delivered to the receiver since recovery began. */
    private long delivered;
    /** prr_out: bytes sent since recovery began. */
    private long out;
    /** RecoverFS: what the reduction started from when recovery began, FlightSize or cwnd. */
    private int recoverFs;
    /** Recovery is under way: sends are counted. */
    private boolean active;
    /** Without SACK: bytes the duplicate ACKs reported delivered above the hole (the "SACKed" estimate). */
    private int duplicateBytes;

    /**
     * Fast recovery begins, the reduction starting from {@code base} bytes: RFC 6937's RecoverFS = snd.nxt - snd.una,
     * or cwnd where ssthresh is taken from cwnd (Linux divides by prior_cwnd in tcp_cwnd_reduction). Either way
     * the proportional part sends ssthresh / base of what is delivered, CUBIC's beta or NewReno's half.
     */
    void start(int base) {
        delivered = 0;
        out = 0;
        recoverFs = Math.max(1, base);
        active = true;
    }

    /** Recovery ended (or was abandoned for a timeout). */
    void end() {
        active = false;
        duplicateBytes = 0;
    }

    boolean active() {
        return active;
    }

    /** Bytes were sent or resent: prr_out grows while recovery is under way. */
    void onSend(int bytes) {
        if (active) {
            out += bytes;
        }
    }

    /**
     * An ACK during recovery reported {@code deliveredData} bytes delivered and left {@code pipe} bytes in the
     * network: returns sndcnt, the bytes that may be sent now, in whole segments as Linux counts (and RFC 6937's
     * examples): the proportional part rounds up (its CEIL, in segments), the reduction bound rounds down so
     * that pipe does not pass ssthresh. prr_out keeps the account exact: a segment sent early is a segment less
     * later. Never negative.
     */
    int sendCount(int deliveredData, int pipe, int ssthresh, int mss) {
        delivered += deliveredData;
        long sndcnt;
        if (pipe > ssthresh) {
            // Proportional Rate Reduction: CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out.
            sndcnt = ceilDiv(delivered * ssthresh, recoverFs) - out;
            sndcnt = ceilDiv(Math.max(0, sndcnt), mss) * mss;
        } else {
            // Slow-start reduction bound: catch up towards ssthresh, at most one MSS beyond what was delivered.
            long limit = Math.max(delivered - out, deliveredData) + mss;
            sndcnt = Math.min(ssthresh - pipe, limit);
            sndcnt = Math.max(0, sndcnt) / mss * mss;
        }
        return (int) sndcnt;
    }

    /**
     * Without SACK, a duplicate ACK: one more MSS counts as delivered and out of the pipe, bounded by what is
     * outstanding beyond the hole. Returns the bytes it delivered.
     */
    int duplicateAck(int mss, int flight) {
        int before = duplicateBytes;
        duplicateBytes = Math.max(0, Math.min(duplicateBytes + mss, flight - mss));
        return duplicateBytes - before;
    }

    /**
     * Without SACK, at the start of recovery: the {@code dupAcks} duplicate ACKs that triggered it count as
     * delivered above the hole (only the last one belongs to the recovery's prr_delivered).
     */
    void duplicateAcksBefore(int dupAcks, int mss, int flight) {
        duplicateBytes = Math.max(0, Math.min(dupAcks * mss, flight - mss));
    }

    /**
     * Without SACK, a partial ACK of {@code acked} bytes: its first MSS is the retransmitted hole, the rest data
     * whose duplicate ACKs were already counted (as far as there were any). Returns the bytes newly delivered:
     * change_in(snd.una) + change_in(estimated SACKed).
     */
    int partialAck(int acked, int mss) {
        int before = duplicateBytes;
        duplicateBytes = Math.max(0, duplicateBytes - Math.max(0, acked - mss));
        return acked + duplicateBytes - before;
    }

    /** Without SACK, bytes the duplicate ACKs took out of the pipe. */
    int duplicateBytes() {
        return duplicateBytes;
    }

    /** prr_delivered, for tests and TCP_INFO-like views. */
    long delivered() {
        return delivered;
    }

    /** prr_out. */
    long out() {
        return out;
    }

    /** RecoverFS. */
    int recoverFs() {
        return recoverFs;
    }

    private static long ceilDiv(long a, long b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
