package org.netstack4j.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The intrusive deadline heap: order, moving a deadline either way, removal, and a model check. */
class DeadlineHeapTest {
    /** A test entry with a name, for messages. */
    static final class Item extends DeadlineHeap.Entry {
        final int id;

        Item(int id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return "item" + id;
        }
    }

    @Test
    void pollsInDeadlineOrder() {
        DeadlineHeap<Item> heap = new DeadlineHeap<>();
        long[] deadlines = {50, 10, 40, 30, 20, 60, 5};
        for (int i = 0; i < deadlines.length; i++) {
            heap.schedule(new Item(i), deadlines[i]);
        }
        assertEquals(7, heap.size());
        long previous = Long.MIN_VALUE;
        while (!heap.isEmpty()) {
            long d = heap.firstDeadline();
            Item e = heap.poll();
            assertEquals(deadlines[e.id], d);
            assertTrue(d >= previous, "not in order: " + d + " after " + previous);
            assertFalse(e.queued());
            previous = d;
        }
        assertNull(heap.poll());
        assertNull(heap.first());
    }

    @Test
    void movingADeadlineEarlierOrLaterReordersWithoutDuplicates() {
        DeadlineHeap<Item> heap = new DeadlineHeap<>();
        Item a = new Item(1);
        Item b = new Item(2);
        Item c = new Item(3);
        heap.schedule(a, 100);
        heap.schedule(b, 200);
        heap.schedule(c, 300);
        heap.schedule(c, 50); // earlier: c comes first
        assertSame(c, heap.first());
        assertEquals(50, heap.firstDeadline());
        heap.schedule(c, 250); // later again: a first, c after b
        heap.schedule(a, 400); // a goes last
        assertEquals(3, heap.size(), "moving never adds an entry");
        assertSame(b, heap.poll());
        assertSame(c, heap.poll());
        assertSame(a, heap.poll());
        assertEquals(250, c.queuedDeadline());
    }

    @Test
    void removalTakesOutAnyEntryAndIgnoresOnesNotQueued() {
        DeadlineHeap<Item> heap = new DeadlineHeap<>();
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Item e = new Item(i);
            items.add(e);
            heap.schedule(e, (i * 7L) % 20);
        }
        heap.remove(items.get(0)); // the root (deadline 0)
        heap.remove(items.get(13)); // somewhere inside
        heap.remove(items.get(13)); // again: nothing happens
        heap.remove(new Item(99)); // never queued
        assertEquals(18, heap.size());
        List<Integer> order = new ArrayList<>();
        while (!heap.isEmpty()) {
            order.add(heap.poll().id);
        }
        assertFalse(order.contains(0));
        assertFalse(order.contains(13));
        for (int i = 1; i < order.size(); i++) {
            assertTrue((order.get(i - 1) * 7L) % 20 <= (order.get(i) * 7L) % 20);
        }
        heap.schedule(items.get(13), 3); // a removed entry can be queued again
        assertSame(items.get(13), heap.first());
    }

    @Test
    void clearUnqueuesEverything() {
        DeadlineHeap<Item> heap = new DeadlineHeap<>();
        Item a = new Item(1);
        heap.schedule(a, 1);
        heap.schedule(new Item(2), 2);
        heap.clear();
        assertTrue(heap.isEmpty());
        assertFalse(a.queued());
        heap.schedule(a, 7);
        assertEquals(1, heap.size());
    }

    /** Random schedule/move/remove/poll sequences against a plain map of deadlines. */
    @Property(tries = 300)
    void behavesLikeAMapOfDeadlines(@ForAll @Size(min = 1, max = 400) List<@IntRange(max = 999) Integer> ops,
                                    @ForAll long seed) {
        DeadlineHeap<Item> heap = new DeadlineHeap<>();
        Item[] items = new Item[40];
        for (int i = 0; i < items.length; i++) {
            items[i] = new Item(i);
        }
        Map<Item, Long> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int op : ops) {
            Item e = items[op % items.length];
            switch (op % 4) {
                case 0, 1 -> {
                    long d = random.nextLong(50); // few values: many equal deadlines
                    heap.schedule(e, d);
                    model.put(e, d);
                }
                case 2 -> {
                    heap.remove(e);
                    model.remove(e);
                }
                default -> {
                    Item first = heap.poll();
                    if (model.isEmpty()) {
                        assertNull(first);
                    } else {
                        long min = model.values().stream().min(Comparator.naturalOrder()).orElseThrow();
                        assertEquals(min, model.remove(first), "polled an entry that was not due first");
                    }
                }
            }
            assertEquals(model.size(), heap.size());
            for (Item i : items) {
                assertEquals(model.containsKey(i), i.queued());
            }
        }
        while (!heap.isEmpty()) {
            long min = model.values().stream().min(Comparator.naturalOrder()).orElseThrow();
            assertEquals(min, heap.firstDeadline());
            assertEquals(min, model.remove(heap.poll()));
        }
        assertTrue(model.isEmpty());
    }
}
