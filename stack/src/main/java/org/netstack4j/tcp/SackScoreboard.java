package org.netstack4j.tcp;

/**
 * The sender's record of every segment between SND.UNA and SND.MAX (RFC 6675 section 3, "scoreboard"): its
 * sequence range, when it was last sent, and whether it has been SACKed, declared lost or retransmitted.
 * Segments are kept in a ring of parallel arrays in sequence order, so that the steady state allocates
 * nothing. A segment is SACKed only when a SACK block covers all of it; ranges reported below SND.UNA (D-SACK,
 * RFC 2883) never mark anything, so they play no part in loss detection.
 *
 * <p>Loss detection follows RFC 6675 section 4 (IsLost: DupThresh SACKed segments, or more than
 * (DupThresh - 1) * SMSS SACKed bytes, above a segment), plus a timeout mark that declares every un-SACKed
 * segment lost, and a retransmission declared lost again when a segment sent after it has been delivered
 * (RFC 8985 section 6.2's time-ordered rule, with send order for time and without its reordering window).
 * With RACK (RFC 8985 section 6) {@link #markLostByTime} replaces both: each segment also keeps the stack-clock
 * time of its last transmission, and every segment newly delivered is reported to {@link RackLossDetection}.
 */
public final class SackScoreboard {
    /** RFC 6675 section 2: DupThresh. */
    static final int DUP_THRESH = 3;
    private static final byte SACKED = 1;
    private static final byte LOST = 2;
    /** Retransmitted during the current recovery and not yet declared lost again. */
    private static final byte RETRANSMITTED = 4;
    /** Sent more than once, ever (RFC 8985 Segment.retransmitted): its delivery may be the original's. */
    private static final byte EVER_RETRANSMITTED = 8;

    private final RackLossDetection rack;

    private int[] start = new int[64];
    private int[] end = new int[64];
    /** Send order of each segment's latest transmission (a counter, so that sends at one instant still order). */
    private long[] sentAt = new long[64];
    /** Stack-clock time (ns) of each segment's latest transmission (RFC 8985 Segment.xmit_ts). */
    private long[] sentTime = new long[64];
    private long sends;
    private byte[] flags = new byte[64];
    private int head;
    private int count;
    /** The latest send order of any segment known to have arrived (RFC 8985 RACK.xmit_ts, as an order). */
    private long deliveredSentAt = Long.MIN_VALUE;
    private int sackedSegments;
    private int sackedBytes;
    private long lostTotal;

    /** A scoreboard that reports deliveries to {@code rack}. */
    SackScoreboard(RackLossDetection rack) {
        this.rack = rack;
    }

    private int at(int i) {
        return (head + i) & (start.length - 1);
    }

    /** Segments on the board. */
    int size() {
        return count;
    }

    /** Records a newly sent segment [s, e), sent at {@code now}; it must start where the last one ended. */
    void sent(int s, int e, long now) {
        if (count == start.length) {
            grow();
        }
        int j = at(count);
        start[j] = s;
        end[j] = e;
        sentAt[j] = ++sends;
        sentTime[j] = now;
        flags[j] = 0;
        count++;
    }

    private void grow() {
        int n = start.length * 2;
        int[] s2 = new int[n];
        int[] e2 = new int[n];
        long[] t2 = new long[n];
        long[] c2 = new long[n];
        byte[] f2 = new byte[n];
        for (int i = 0; i < count; i++) {
            int j = at(i);
            s2[i] = start[j];
            e2[i] = end[j];
            t2[i] = sentAt[j];
            c2[i] = sentTime[j];
            f2[i] = flags[j];
        }
        start = s2;
        end = e2;
        sentAt = t2;
        sentTime = c2;
        flags = f2;
        head = 0;
    }

    /** SND.UNA moved to {@code una}: drops acknowledged segments, trims a partly acknowledged first one. */
    void acknowledge(int una) {
        while (count > 0) {
            int j = at(0);
            if (SeqNum.leq(end[j], una)) {
                if ((flags[j] & SACKED) == 0) {
                    delivered(j);
                }
                forget(j);
                head = (head + 1) & (start.length - 1);
                count--;
            } else {
                if (SeqNum.gt(una, start[j])) {
                    if ((flags[j] & SACKED) != 0) {
                        sackedBytes -= una - start[j];
                    }
                    start[j] = una;
                }
                return;
            }
        }
    }

    private void forget(int j) {
        if ((flags[j] & SACKED) != 0) {
            sackedSegments--;
            sackedBytes -= end[j] - start[j];
        }
    }

    private void delivered(int j) {
        // RFC 8985 6.1: an ambiguous retransmission does not advance RACK.xmit_ts (its time may be the original's).
        if ((flags[j] & RETRANSMITTED) == 0 && sentAt[j] > deliveredSentAt) {
            deliveredSentAt = sentAt[j];
        }
        rack.delivered(sentTime[j], sentAt[j], end[j], (flags[j] & EVER_RETRANSMITTED) != 0);
    }

    /** Takes one SACK block [left, right); returns the bytes it newly SACKed. */
    int sack(int left, int right, int una) {
        if (SeqNum.leq(right, una) || SeqNum.leq(right, left)) {
            return 0; // D-SACK (RFC 2883) or nonsense: no loss information
        }
        int newly = 0;
        for (int i = 0; i < count; i++) {
            int j = at(i);
            if (SeqNum.geq(start[j], right)) {
                break;
            }
            if ((flags[j] & SACKED) == 0 && SeqNum.geq(start[j], left) && SeqNum.leq(end[j], right)) {
                flags[j] |= SACKED;
                sackedSegments++;
                sackedBytes += end[j] - start[j];
                newly += end[j] - start[j];
                delivered(j);
            }
        }
        return newly;
    }

    /**
     * Applies the time-ordered rule after a batch of SACK information: a retransmission sent before a segment
     * that has since arrived is lost again and becomes eligible for another retransmission.
     */
    void detectLostRetransmissions() {
        for (int i = 0; i < count; i++) {
            int j = at(i);
            if ((flags[j] & (SACKED | RETRANSMITTED)) == RETRANSMITTED && sentAt[j] < deliveredSentAt) {
                flags[j] &= ~RETRANSMITTED;
                flags[j] |= LOST;
                lostTotal++;
            }
        }
    }

    /**
     * RFC 8985 6.2 step 5: every segment not yet delivered that was sent before RACK.segment is lost once
     * {@code window} (RACK.rtt + RACK.reo_wnd) has passed since its last transmission; a lost segment waiting for
     * its retransmission is skipped, a retransmission can be lost again. RACK_sent_after breaks ties of equal
     * timestamps by end sequence; we know the send order itself and use it ({@code rackOrder}, RACK.segment's).
     * Returns the longest time (ns) one of the others still has to wait, 0 if none (RFC 8985 6.3: the reordering
     * timer's timeout).
     */
    long markLostByTime(long rackOrder, long window, long now) {
        long wait = 0;
        for (int i = 0; i < count; i++) {
            int j = at(i);
            int f = flags[j];
            if (sentAt[j] >= rackOrder && (f & EVER_RETRANSMITTED) == 0) {
                // Sent once, and not before RACK.segment: every segment above it was first sent after it, and
                // any resent one later still, so none is older than RACK.segment. Stopping here keeps a
                // loss-free ACK at O(1) however large the flight (Linux walks its time-sorted queue likewise).
                break;
            }
            if ((f & SACKED) != 0 || (f & (LOST | RETRANSMITTED)) == LOST || sentAt[j] >= rackOrder) {
                continue;
            }
            long remaining = sentTime[j] + window - now;
            if (remaining <= 0) {
                flags[j] = (byte) (f & ~RETRANSMITTED | LOST);
                lostTotal++;
            } else {
                wait = Math.max(wait, remaining);
            }
        }
        return wait;
    }

    /** RFC 6675 section 4 IsLost for the segment at index {@code i}, given what is SACKed above it. */
    private static boolean isLostByCount(int sackedAbove, int sackedBytesAbove, int mss) {
        return sackedAbove >= DUP_THRESH || sackedBytesAbove > (DUP_THRESH - 1) * mss;
    }

    /**
     * Marks as lost every un-SACKed segment that IsLost says is (RFC 6675 section 4), so that retransmission
     * picks them in order; returns true if the first segment is lost (the RFC 6675 section 5 entry condition).
     * A segment already resent by NextSeg's rule 3 is marked too (SetPipe then counts only its copy), but is not
     * picked for retransmission again.
     */
    boolean markLost(int mss) {
        int above = 0;
        int bytesAbove = 0;
        for (int i = count - 1; i >= 0; i--) {
            int j = at(i);
            if ((flags[j] & SACKED) != 0) {
                above++;
                bytesAbove += end[j] - start[j];
            } else if ((flags[j] & LOST) == 0 && isLostByCount(above, bytesAbove, mss)) {
                flags[j] |= LOST;
                lostTotal++;
            }
        }
        return count > 0 && (flags[at(0)] & LOST) != 0;
    }

    /** Declares the first segment lost (the third duplicate ACK, RFC 6675 section 5 step 4.3). */
    void markFirstLost() {
        if (count > 0 && (flags[at(0)] & (SACKED | LOST)) == 0) {
            flags[at(0)] |= LOST;
            flags[at(0)] &= ~RETRANSMITTED;
            lostTotal++;
        }
    }

    /** A retransmission timeout: every un-SACKed segment is lost, and none counts as retransmitted any more. */
    void markAllLost() {
        for (int i = 0; i < count; i++) {
            int j = at(i);
            if ((flags[j] & SACKED) == 0) {
                if ((flags[j] & LOST) == 0) {
                    lostTotal++;
                }
                flags[j] = (byte) (LOST | flags[j] & EVER_RETRANSMITTED);
            }
        }
    }

    /**
     * A retransmission timeout with RACK (RFC 8985 6.3): the first un-SACKed segment is lost, any other only once
     * {@code window} (RACK.rtt + RACK.reo_wnd) has passed since its last transmission. What is marked counts as
     * not retransmitted (its copies are presumed gone); the rest stays as it was.
     */
    void markLostOnTimeout(long window, long now) {
        boolean first = true;
        for (int i = 0; i < count; i++) {
            int j = at(i);
            int f = flags[j];
            if ((f & SACKED) != 0) {
                continue;
            }
            if (first || sentTime[j] + window - now <= 0) {
                if ((f & LOST) == 0) {
                    lostTotal++;
                }
                flags[j] = (byte) (LOST | f & EVER_RETRANSMITTED);
            }
            first = false;
        }
    }

    /** Recovery ended: retransmission marks start afresh for the next episode. */
    void endRecovery() {
        for (int i = 0; i < count; i++) {
            flags[at(i)] &= SACKED | EVER_RETRANSMITTED;
        }
    }

    /**
     * RFC 6675 section 4 SetPipe: bytes presumed in the network. An un-SACKed segment counts once unless it is
     * lost, and once more if it has been retransmitted.
     */
    int pipe() {
        int pipe = 0;
        for (int i = 0; i < count; i++) {
            int j = at(i);
            int f = flags[j];
            if ((f & SACKED) == 0) {
                int len = end[j] - start[j];
                if ((f & LOST) == 0) {
                    pipe += len;
                }
                if ((f & RETRANSMITTED) != 0) {
                    pipe += len;
                }
            }
        }
        return pipe;
    }

    /**
     * RFC 6675 section 4 NextSeg rule 1: the first lost, un-SACKed segment not yet retransmitted, as an index,
     * or -1.
     */
    int nextLost() {
        for (int i = 0; i < count; i++) {
            int f = flags[at(i)];
            if ((f & (SACKED | LOST | RETRANSMITTED)) == LOST) {
                return i;
            }
        }
        return -1;
    }

    /**
     * RFC 6675 section 4 NextSeg rule 3: an un-SACKed segment below the highest SACKed one that is not lost and
     * not yet retransmitted, as an index, or -1.
     */
    int nextUnsackedBelowHighest() {
        int highest = -1;
        for (int i = count - 1; i >= 0; i--) {
            if ((flags[at(i)] & SACKED) != 0) {
                highest = i;
                break;
            }
        }
        for (int i = 0; i < highest; i++) {
            int f = flags[at(i)];
            if ((f & (SACKED | RETRANSMITTED)) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the last segment on the board that is not SACKed, or -1 (the tail loss probe's choice). */
    int lastUnsacked() {
        for (int i = count - 1; i >= 0; i--) {
            if ((flags[at(i)] & SACKED) == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The segment at index {@code i} was sent again at {@code now}. A lost segment stays marked lost: RFC 6675's
     * IsLost depends on the SACKs alone, so SetPipe counts a resent lost segment once (the copy in flight), not
     * twice.
     */
    void retransmitted(int i, long now) {
        int j = at(i);
        flags[j] |= RETRANSMITTED | EVER_RETRANSMITTED;
        sentAt[j] = ++sends;
        sentTime[j] = now;
    }

    /** The segment at index {@code i} was resent and that copy counts as in flight (not SACKed, not lost again). */
    boolean retransmittedInFlight(int i) {
        return (flags[at(i)] & (SACKED | RETRANSMITTED)) == RETRANSMITTED;
    }

    /** Start of the segment at index {@code i}. */
    int start(int i) {
        return start[at(i)];
    }

    /** End of the segment at index {@code i}. */
    int end(int i) {
        return end[at(i)];
    }

    /** Forgets everything (the peer may have reneged, or the connection ended). */
    void clear() {
        head = 0;
        count = 0;
        sackedSegments = 0;
        sackedBytes = 0;
    }

    /** Forgets SACK marks only (RFC 6675 section 5.1: after a timeout the receiver may have reneged). */
    void clearSacks() {
        for (int i = 0; i < count; i++) {
            flags[at(i)] &= ~SACKED;
        }
        sackedSegments = 0;
        sackedBytes = 0;
    }

    /** Segments currently SACKed (tcpi_sacked). */
    public int sackedSegments() {
        return sackedSegments;
    }

    /** Bytes currently SACKed. */
    public int sackedBytes() {
        return sackedBytes;
    }

    /** Segments currently presumed lost and not yet retransmitted (tcpi_lost). */
    public int lostSegments() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if ((flags[at(i)] & (SACKED | LOST | RETRANSMITTED)) == LOST) {
                n++;
            }
        }
        return n;
    }

    /** Segments retransmitted and still outstanding (tcpi_retrans). */
    public int retransmittedSegments() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if ((flags[at(i)] & (SACKED | RETRANSMITTED)) == RETRANSMITTED) {
                n++;
            }
        }
        return n;
    }

    /** Segments declared lost since the connection began. */
    public long lostTotal() {
        return lostTotal;
    }
}
