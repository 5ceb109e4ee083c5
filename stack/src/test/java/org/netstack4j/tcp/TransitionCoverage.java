package org.netstack4j.tcp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records which cells (state, event) of {@link TcpTransitions#table()} tests exercised, from the
 * {@link TcpTraceEvent}s the stack reports, and lists the cells never seen.
 */
final class TransitionCoverage {
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<String> wrong = Collections.synchronizedList(new ArrayList<>());

    /** Records one trace event; retransmissions and probes (from == to) are not transitions. */
    void record(TcpTraceEvent e) {
        if (e.from() == e.to()) {
            return;
        }
        TcpEvent event;
        try {
            event = TcpEvent.valueOf(e.cause());
        } catch (IllegalArgumentException notAnEvent) {
            wrong.add("unknown cause " + e);
            return;
        }
        if (TcpTransitions.table().getOrDefault(e.from(), Map.of()).get(event) != e.to()) {
            wrong.add("transition not in the table: " + e);
        }
        seen.add(e.from() + "/" + event);
    }

    /** Cells of the table never exercised, as "STATE/EVENT", in table order. */
    List<String> missing() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<TcpState, Map<TcpEvent, TcpState>> row : new EnumMap<>(TcpTransitions.table()).entrySet()) {
            for (TcpEvent ev : new EnumMap<>(row.getValue()).keySet()) {
                String cell = row.getKey() + "/" + ev;
                if (!seen.contains(cell)) {
                    out.add(cell + " -> " + row.getValue().get(ev));
                }
            }
        }
        return out;
    }

    /** Number of cells in the table. */
    static int cells() {
        return TcpTransitions.table().values().stream().mapToInt(Map::size).sum();
    }

    /** Trace events that disagree with the table (should never happen: the table drives the transitions). */
    List<String> wrong() {
        return List.copyOf(wrong);
    }
}
