package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The SACK runs and the recent-arrival list of the receive queue, against simple models, across the wrap. */
class SeqRangesTest {
    /** Sequence numbers start just before the 32-bit wrap, so that every comparison crosses it somewhere. */
    private static final int BASE = -150;

    @Test
    void mergesOverlappingAndTouchingRanges() {
        SeqRanges r = new SeqRanges();
        r.add(BASE + 10, BASE + 20);
        r.add(BASE + 40, BASE + 50);
        r.add(BASE + 60, BASE + 70);
        r.add(BASE + 0, BASE + 5);
        r.add(BASE + 200, BASE + 300); // beyond the wrap
        assertEquals(5, r.size());
        r.add(BASE + 20, BASE + 40); // touches both neighbours: one range
        assertEquals(4, r.size());
        assertEquals(BASE + 10, r.left(1));
        assertEquals(BASE + 50, r.right(1));
        r.add(BASE + 3, BASE + 65); // swallows three
        assertEquals(2, r.size());
        assertEquals(BASE, r.left(0));
        assertEquals(BASE + 70, r.right(0));
        assertEquals(0, r.find(BASE + 69));
        assertEquals(-1, r.find(BASE + 70));
        assertEquals(1, r.find(BASE + 250));
        r.dropStartingUpTo(BASE + 100);
        assertEquals(1, r.size());
        assertEquals(BASE + 200, r.left(0));
    }

    /** Random ranges against a bitmap of covered sequence numbers. */
    @Property(tries = 500)
    void rangesAreTheMaximalRunsOfWhatWasAdded(
            @ForAll @Size(max = 40) List<@IntRange(max = 299) Integer> starts,
            @ForAll @Size(max = 40) List<@IntRange(min = 1, max = 30) Integer> lengths,
            @ForAll @IntRange(max = 330) int dropUpTo) {
        SeqRanges r = new SeqRanges();
        boolean[] covered = new boolean[340];
        for (int k = 0; k < Math.min(starts.size(), lengths.size()); k++) {
            int s = starts.get(k);
            int e = s + lengths.get(k);
            r.add(BASE + s, BASE + e);
            for (int i = s; i < e; i++) {
                covered[i] = true;
            }
        }
        assertEquals(runsOf(covered), rangesOf(r));
        for (int i = 0; i < covered.length; i++) {
            int at = r.find(BASE + i);
            assertEquals(covered[i], at >= 0, "seq " + i);
        }
        // Dropping removes whole runs that start at or before the point, as drainInOrder does.
        List<List<Integer>> expected = new ArrayList<>();
        for (List<Integer> run : runsOf(covered)) {
            if (run.get(0) > dropUpTo) {
                expected.add(run);
            }
        }
        r.dropStartingUpTo(BASE + dropUpTo);
        assertEquals(expected, rangesOf(r));
    }

    @Test
    void recentArrivalsKeepTheNewestEightWithoutDuplicates() {
        RecentArrivals recent = new RecentArrivals();
        for (int i = 0; i < 10; i++) {
            recent.arrived(BASE + i * 10);
        }
        assertEquals(RecentArrivals.KEPT, recent.size());
        assertEquals(BASE + 90, recent.get(0));
        assertEquals(BASE + 20, recent.get(7), "the two oldest were forgotten");
        recent.arrived(BASE + 50); // again: moves to the front, nothing lost
        assertEquals(8, recent.size());
        assertEquals(BASE + 50, recent.get(0));
        assertEquals(BASE + 90, recent.get(1));
        assertEquals(BASE + 60, recent.get(4));
        assertEquals(BASE + 40, recent.get(5));
        recent.forgetBefore(BASE + 55); // across the wrap: 20, 30, 40, 50 go
        assertEquals(4, recent.size());
        for (int i = 0; i < recent.size(); i++) {
            assertTrue(recent.get(i) - (BASE + 55) >= 0);
        }
        assertEquals(BASE + 90, recent.get(0));
        recent.clear();
        assertTrue(recent.isEmpty());
    }

    private static List<List<Integer>> rangesOf(SeqRanges r) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            out.add(List.of(r.left(i) - BASE, r.right(i) - BASE));
        }
        return out;
    }

    private static List<List<Integer>> runsOf(boolean[] covered) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < covered.length; i++) {
            if (covered[i] && (i == 0 || !covered[i - 1])) {
                int j = i;
                while (j < covered.length && covered[j]) {
                    j++;
                }
                out.add(List.of(i, j));
            }
        }
        return out;
    }
}
