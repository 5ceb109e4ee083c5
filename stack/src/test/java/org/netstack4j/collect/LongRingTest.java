package org.netstack4j.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The ring of longs: FIFO order across wrap-around and growth, both ends, indexing. */
class LongRingTest {
    @Test
    void keepsOrderWhileWrappingAndGrowing() {
        LongRing r = new LongRing(4);
        for (long v = 0; v < 3; v++) {
            r.addLast(v);
        }
        assertEquals(0, r.removeFirst());
        assertEquals(1, r.removeFirst());
        for (long v = 3; v < 20; v++) {
            r.addLast(v); // wraps, then grows while wrapped
        }
        assertEquals(18, r.size());
        for (int i = 0; i < r.size(); i++) {
            assertEquals(i + 2, r.get(i));
        }
        assertEquals(2, r.first());
        assertEquals(19, r.last());
        assertEquals(19, r.removeLast());
        assertEquals(18, r.last());
        assertEquals("[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]", r.toString());
        r.clear();
        assertTrue(r.isEmpty());
        assertThrows(NoSuchElementException.class, r::first);
        assertThrows(NoSuchElementException.class, r::removeLast);
        assertThrows(IndexOutOfBoundsException.class, () -> r.get(0));
    }

    @Property(tries = 300)
    void behavesLikeArrayDeque(@ForAll List<@IntRange(max = 9) Integer> ops) {
        LongRing r = new LongRing(2);
        ArrayDeque<Long> model = new ArrayDeque<>();
        long next = 0;
        for (int op : ops) {
            if (op < 6) {
                r.addLast(next);
                model.addLast(next++);
            } else if (op < 9 && !model.isEmpty()) {
                assertEquals(model.removeFirst(), r.removeFirst());
            } else if (!model.isEmpty()) {
                assertEquals(model.removeLast(), r.removeLast());
            }
            assertEquals(model.size(), r.size());
            if (!model.isEmpty()) {
                assertEquals(model.getFirst(), r.first());
                assertEquals(model.getLast(), r.last());
            }
        }
        int i = 0;
        for (long v : model) {
            assertEquals(v, r.get(i++));
        }
    }
}
