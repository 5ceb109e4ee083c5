package org.netstack4j.collect;

import java.util.Arrays;

/**
 * A binary min-heap of entries ordered by deadline, where each entry carries its own deadline and heap position
 * (an intrusive heap). Scheduling, moving and removing an entry costs O(log n) and no allocation once the heap's
 * array has grown to the number of entries, which is why the TCP layer uses it for its connections' timers: their
 * deadline moves on nearly every ACK. An entry is in at most one heap at a time.
 *
 * @param <E> the entries, subclasses of {@link Entry}
 */
public final class DeadlineHeap<E extends DeadlineHeap.Entry> {
    /**
     * What a heap holds: its position and deadline live in the entry itself, so that the heap finds an entry
     * without a lookup table. Subclasses see nothing of this state.
     */
    public abstract static class Entry {
        /** For subclasses. */
        protected Entry() {
        }

        /** Position in the heap's array, or -1 when not queued. */
        int heapIndex = -1;
        long heapDeadline;

        /** True if the entry is in a heap. */
        final boolean queued() {
            return heapIndex >= 0;
        }

        /** The deadline the entry is queued for; meaningless when it is not queued. */
        final long queuedDeadline() {
            return heapDeadline;
        }
    }

    private Entry[] heap = new Entry[16];
    private int size;

    /** Entries queued. */
    public int size() {
        return size;
    }

    /** True if nothing is queued. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The earliest deadline; call only when not {@link #isEmpty() empty}. */
    public long firstDeadline() {
        return heap[0].heapDeadline;
    }

    /** The entry with the earliest deadline, or null. */
    @SuppressWarnings("unchecked")
    public E first() {
        return size == 0 ? null : (E) heap[0];
    }

    /** Queues {@code e} for {@code deadline}, or moves it there if it is already queued (earlier or later). */
    public void schedule(E e, long deadline) {
        int i = e.heapIndex;
        if (i < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            e.heapDeadline = deadline;
            siftUp(size++, e);
            return;
        }
        long old = e.heapDeadline;
        if (old == deadline) {
            return;
        }
        e.heapDeadline = deadline;
        if (deadline < old) {
            siftUp(i, e);
        } else {
            siftDown(i, e);
        }
    }

    /** Takes {@code e} out of the heap; nothing happens if it is not queued. */
    public void remove(E e) {
        int i = e.heapIndex;
        if (i < 0) {
            return;
        }
        e.heapIndex = -1;
        Entry last = heap[--size];
        heap[size] = null;
        if (last == e) {
            return;
        }
        // The last entry fills the hole; it may belong above or below it.
        if (i > 0 && last.heapDeadline < heap[(i - 1) >>> 1].heapDeadline) {
            siftUp(i, last);
        } else {
            siftDown(i, last);
        }
    }

    /** Removes and returns the entry with the earliest deadline, or null. */
    public E poll() {
        E e = first();
        if (e != null) {
            remove(e);
        }
        return e;
    }

    /** Removes every entry. */
    public void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void siftUp(int i, Entry e) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (p.heapDeadline <= e.heapDeadline) {
                break;
            }
            place(i, p);
            i = parent;
        }
        place(i, e);
    }

    private void siftDown(int i, Entry e) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].heapDeadline < c.heapDeadline) {
                child = right;
                c = heap[child];
            }
            if (e.heapDeadline <= c.heapDeadline) {
                break;
            }
            place(i, c);
            i = child;
        }
        place(i, e);
    }

    private void place(int i, Entry e) {
        heap[i] = e;
        e.heapIndex = i;
    }
}
