package org.netstack4j.collect;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A double-ended queue of {@code long}s in a ring buffer that doubles when full: an {@code ArrayDeque<Long>}
 * without the boxing, for values queued once per packet or per write. Not thread-safe.
 */
public final class LongRing {
    private long[] ring;
    private int head;
    private int size;

    /** An empty ring with room for {@code capacity} values before it first grows (rounded up to a power of 2). */
    public LongRing(int capacity) {
        ring = new long[Integer.highestOneBit(Math.max(2, capacity) - 1) << 1];
    }

    /** Values held. */
    public int size() {
        return size;
    }

    /** True if nothing is held. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Appends {@code v} at the back. */
    public void addLast(long v) {
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = v;
        size++;
    }

    /** The {@code i}-th value from the front (0 is the first). */
    public long get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return ring[(head + i) & (ring.length - 1)];
    }

    /** The first value. */
    public long first() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return ring[head];
    }

    /** The last value. */
    public long last() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return ring[(head + size - 1) & (ring.length - 1)];
    }

    /** Removes and returns the first value. */
    public long removeFirst() {
        long v = first();
        head = (head + 1) & (ring.length - 1);
        size--;
        return v;
    }

    /** Removes and returns the last value. */
    public long removeLast() {
        long v = last();
        size--;
        return v;
    }

    /** Removes everything (the ring keeps its capacity). */
    public void clear() {
        head = 0;
        size = 0;
    }

    private void grow() {
        long[] bigger = new long[ring.length * 2];
        int firstPart = Math.min(size, ring.length - head);
        System.arraycopy(ring, head, bigger, 0, firstPart);
        System.arraycopy(ring, 0, bigger, firstPart, size - firstPart);
        ring = bigger;
        head = 0;
    }

    @Override
    public String toString() {
        long[] copy = new long[size];
        for (int i = 0; i < size; i++) {
            copy[i] = get(i);
        }
        return Arrays.toString(copy);
    }
}
