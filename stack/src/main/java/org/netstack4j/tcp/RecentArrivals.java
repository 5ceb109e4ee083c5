package org.netstack4j.tcp;

/**
 * The sequence numbers of the latest out-of-order arrivals, newest first, at most {@link #KEPT}, without duplicates:
 * they order the SACK blocks, the block holding the newest arrival first (RFC 2018 4). A fixed int array, so that
 * recording an arrival allocates nothing.
 */
final class RecentArrivals {
    /** How many arrivals are remembered: more than the four blocks an option can carry. */
    static final int KEPT = 8;

    private final int[] seqs = new int[KEPT];
    private int count;

    /** Arrivals remembered. */
    int size() {
        return count;
    }

    /** True if none. */
    boolean isEmpty() {
        return count == 0;
    }

    /** The {@code i}-th newest arrival (0 is the newest). */
    int get(int i) {
        return seqs[i];
    }

    /** Records an arrival at {@code seq} as the newest, forgetting an earlier record of it and the oldest if full. */
    void arrived(int seq) {
        int at = indexOf(seq);
        int last = at >= 0 ? at : Math.min(count, KEPT - 1);
        System.arraycopy(seqs, 0, seqs, 1, last);
        seqs[0] = seq;
        if (at < 0 && count < KEPT) {
            count++;
        }
    }

    /** Forgets the arrivals before {@code seq} (RCV.NXT moved past them). */
    void forgetBefore(int seq) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (!SeqNum.lt(seqs[i], seq)) {
                seqs[kept++] = seqs[i];
            }
        }
        count = kept;
    }

    /** Forgets everything. */
    void clear() {
        count = 0;
    }

    private int indexOf(int seq) {
        for (int i = 0; i < count; i++) {
            if (seqs[i] == seq) {
                return i;
            }
        }
        return -1;
    }
}
