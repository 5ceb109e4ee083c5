package org.netstack4j.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The long-keyed open-addressing map: basic operations, growth, deletion inside probe runs, and a model check. */
class LongKeyMapTest {
    @Test
    void putGetReplaceRemove() {
        LongKeyMap<String> m = new LongKeyMap<>();
        assertTrue(m.isEmpty());
        assertNull(m.put(7, "a"));
        assertNull(m.put(-7, "b"));
        assertNull(m.put(0, "zero"));
        assertEquals("a", m.get(7));
        assertEquals("b", m.get(-7));
        assertEquals("zero", m.get(0));
        assertNull(m.get(8));
        assertEquals("a", m.put(7, "c"), "replacing returns the old value");
        assertEquals(3, m.size());
        assertEquals("c", m.remove(7));
        assertNull(m.remove(7));
        assertFalse(m.containsKey(7));
        assertTrue(m.containsKey(-7));
        assertEquals(2, m.size());
        assertThrows(NullPointerException.class, () -> m.put(1, null));
    }

    @Test
    void removeWithAValueRemovesOnlyThatObject() {
        LongKeyMap<String> m = new LongKeyMap<>();
        String a = new String("x");
        String b = new String("x");
        m.put(1, a);
        assertFalse(m.remove(1, b), "an equal but different object stays");
        assertSame(a, m.get(1));
        assertFalse(m.remove(2, a));
        assertTrue(m.remove(1, a));
        assertTrue(m.isEmpty());
    }

    @Test
    void growsAndFindsEveryKeyOfAFourTuplePattern() {
        LongKeyMap<Long> m = new LongKeyMap<>();
        // Keys like the TCP layer's: one remote address and port, consecutive local ports.
        long base = (long) 0x0A00_0002 << 32 | 9L << 16;
        for (int p = 0; p < 5000; p++) {
            m.put(base | p, (long) p);
        }
        assertEquals(5000, m.size());
        for (int p = 0; p < 5000; p++) {
            assertEquals(p, m.get(base | p));
        }
        for (int p = 0; p < 5000; p += 2) {
            assertEquals(p, m.remove(base | p));
        }
        for (int p = 0; p < 5000; p++) {
            assertEquals(p % 2 == 0 ? null : (Long) (long) p, m.get(base | p));
        }
        HashSet<Long> seen = new HashSet<>();
        m.forEachValue(seen::add);
        assertEquals(2500, seen.size());
        assertEquals(2500, m.values().size());
        m.clear();
        assertTrue(m.isEmpty());
        assertNull(m.get(base | 1));
    }

    /**
     * Random puts and removes against HashMap. Keys come from a small set so that keys come back after removal
     * and probe runs form, wrap around the table's end and get cut by deletions.
     */
    @Property(tries = 500)
    void behavesLikeHashMap(@ForAll @Size(max = 600) List<@IntRange(max = 199) Integer> ops,
                            @ForAll @IntRange(max = 3) int keySpread) {
        LongKeyMap<Integer> m = new LongKeyMap<>();
        Map<Long, Integer> model = new HashMap<>();
        int step = 0;
        for (int op : ops) {
            long key = (long) (op % 50) << (keySpread * 16); // 50 distinct keys, in low or high bits
            if (op < 120) {
                assertEquals(model.put(key, step), m.put(key, step));
            } else {
                assertEquals(model.remove(key), m.remove(key));
            }
            step++;
            assertEquals(model.size(), m.size());
        }
        for (int k = 0; k < 50; k++) {
            long key = (long) k << (keySpread * 16);
            assertEquals(model.get(key), m.get(key));
        }
        assertEquals(new HashSet<>(model.values()), new HashSet<>(m.values()));
    }
}
