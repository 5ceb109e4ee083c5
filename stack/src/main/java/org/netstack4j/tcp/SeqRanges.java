package org.netstack4j.tcp;

import java.util.Arrays;

/**
 * Disjoint ranges of sequence numbers {@code [left, right)}, kept sorted and merged (touching ranges become one):
 * the runs of out-of-order data a receiver reports as SACK blocks (RFC 2018 3). Parallel int arrays rather than a
 * sorted map of boxed keys, so that building an ACK's SACK option allocates nothing. Comparisons are wrap-safe
 * ({@link SeqNum}); every range lies within one receive window, where that order is total. The arrays are scanned
 * linearly: there are as many ranges as holes in the window, a handful in practice.
 */
final class SeqRanges {
    private int[] lefts = new int[4];
    private int[] rights = new int[4];
    private int count;

    /** Ranges held. */
    int size() {
        return count;
    }

    /** True if none. */
    boolean isEmpty() {
        return count == 0;
    }

    /** Left edge of the {@code i}-th range in sequence order. */
    int left(int i) {
        return lefts[i];
    }

    /** Right edge (exclusive) of the {@code i}-th range. */
    int right(int i) {
        return rights[i];
    }

    /** The index of the range holding {@code seq}, or -1. */
    int find(int seq) {
        for (int i = 0; i < count; i++) {
            if (SeqNum.leq(lefts[i], seq)) {
                if (SeqNum.lt(seq, rights[i])) {
                    return i;
                }
            } else {
                return -1; // sorted: the rest start after seq
            }
        }
        return -1;
    }

    /** Adds {@code [left, right)}, merging it with every range it overlaps or touches. */
    void add(int left, int right) {
        int i = 0;
        while (i < count && SeqNum.lt(rights[i], left)) {
            i++;
        }
        int j = i;
        while (j < count && SeqNum.leq(lefts[j], right)) {
            left = SeqNum.min(left, lefts[j]);
            right = SeqNum.max(right, rights[j]);
            j++;
        }
        // Ranges [i, j) become the one merged range at i.
        int shift = 1 - (j - i);
        if (shift > 0 && count == lefts.length) {
            lefts = Arrays.copyOf(lefts, count * 2);
            rights = Arrays.copyOf(rights, count * 2);
        }
        if (shift != 0) {
            System.arraycopy(lefts, j, lefts, j + shift, count - j);
            System.arraycopy(rights, j, rights, j + shift, count - j);
            count += shift;
        }
        lefts[i] = left;
        rights[i] = right;
    }

    /** Drops every range whose left edge is at or before {@code seq} (the data up to there became in order). */
    void dropStartingUpTo(int seq) {
        int k = 0;
        while (k < count && SeqNum.leq(lefts[k], seq)) {
            k++;
        }
        if (k > 0) {
            System.arraycopy(lefts, k, lefts, 0, count - k);
            System.arraycopy(rights, k, rights, 0, count - k);
            count -= k;
        }
    }

    /**
     * Forgets everything from {@code seq} on: ranges that start there or later go, one that spans it now ends there
     * (held data above {@code seq} was given up to make room, RFC 2018 8 reneging).
     */
    void truncateFrom(int seq) {
        int k = count;
        while (k > 0 && SeqNum.geq(lefts[k - 1], seq)) {
            k--;
        }
        count = k;
        if (k > 0 && SeqNum.gt(rights[k - 1], seq)) {
            rights[k - 1] = seq;
        }
    }

    /** Drops every range. */
    void clear() {
        count = 0;
    }
}
