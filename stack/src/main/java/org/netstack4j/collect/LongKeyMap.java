package org.netstack4j.collect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A hash map from {@code long} keys to non-null values, with open addressing and linear probing, so that a lookup
 * neither boxes its key nor allocates (the TCP layer finds a connection by four-tuple for every segment). The
 * table doubles when it is half full; removal shifts the following entries of the probe run back instead of
 * leaving tombstones, so lookups stay short however many connections come and go. Not thread-safe.
 *
 * @param <V> the values
 */
public final class LongKeyMap<V> {
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    /** null marks a free slot, so values cannot be null. */
    private Object[] values;
    private int mask;
    private int size;

    /** An empty map. */
    public LongKeyMap() {
        allocate(MIN_CAPACITY);
    }

    /** Entries held. */
    public int size() {
        return size;
    }

    /** True if the map holds nothing. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The value for {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                return (V) v;
            }
        }
    }

    /** True if {@code key} has a value. */
    public boolean containsKey(long key) {
        return get(key) != null;
    }

    /** Maps {@code key} to {@code value} (not null); returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        int i = slot(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++size > (mask + 1) / 2) {
            resize((mask + 1) * 2);
        }
        return null;
    }

    /** Removes the value of {@code key}; returns it, or null if there was none. */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                delete(i);
                return (V) v;
            }
        }
    }

    /** Removes {@code key} only if it maps to {@code value} (the same object); returns whether it did. */
    public boolean remove(long key, V value) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                return false;
            }
            if (keys[i] == key) {
                if (v != value) {
                    return false;
                }
                delete(i);
                return true;
            }
        }
    }

    /** Calls {@code action} with every value; the map must not change meanwhile. */
    @SuppressWarnings("unchecked")
    public void forEachValue(Consumer<? super V> action) {
        for (Object v : values) {
            if (v != null) {
                action.accept((V) v);
            }
        }
    }

    /** A copy of the values, in no particular order. */
    public List<V> values() {
        List<V> out = new ArrayList<>(size);
        forEachValue(out::add);
        return out;
    }

    /** Removes everything and shrinks back to the initial table. */
    public void clear() {
        allocate(MIN_CAPACITY);
        size = 0;
    }

    /**
     * Frees slot {@code hole} and closes the gap: each later entry of the probe run whose home slot does not lie
     * cyclically between the hole and itself moves into the hole (backward-shift deletion).
     */
    private void delete(int hole) {
        values[hole] = null;
        size--;
        for (int i = (hole + 1) & mask; values[i] != null; i = (i + 1) & mask) {
            int home = slot(keys[i]);
            // The entry may move back to the hole only if its home is not in (hole, i], cyclically.
            boolean homeAfterHole = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!homeAfterHole) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                values[i] = null;
                hole = i;
            }
        }
    }

    private int slot(long key) {
        // Stafford's mix 13 (the finaliser of SplitMix64): four-tuples differ in few bits, all of them must count.
        long h = key;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (int) h & mask;
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(capacity);
        for (int j = 0; j < oldValues.length; j++) {
            Object v = oldValues[j];
            if (v != null) {
                int i = slot(oldKeys[j]);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = v;
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
    }
}
