package org.netstack4j.stats;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The stack's counters. Written only by the event-loop thread; read from any thread (the CLI prints them,
 * tests compare them), hence the atomic array — plain increments stay cheap because there is one writer.
 */
public final class Counters {
    private static final Counter[] ALL = Counter.values();
    private final AtomicLongArray values = new AtomicLongArray(ALL.length);

    /** Adds one to {@code c}. */
    public void inc(Counter c) {
        values.lazySet(c.ordinal(), values.get(c.ordinal()) + 1);
    }

    /** Adds {@code n} to {@code c}. */
    public void add(Counter c, long n) {
        values.lazySet(c.ordinal(), values.get(c.ordinal()) + n);
    }

    /** The current value of {@code c}. */
    public long get(Counter c) {
        return values.get(c.ordinal());
    }

    /** A copy of every counter. */
    public Map<Counter, Long> snapshot() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : ALL) {
            m.put(c, values.get(c.ordinal()));
        }
        return m;
    }

    /**
     * The counters as text, one line per layer like /proc/net/snmp: {@code Ip: InReceives=12 InDelivers=12}.
     * Zero counters are left out unless {@code withZeros}.
     */
    public String format(boolean withZeros) {
        StringBuilder sb = new StringBuilder();
        String group = null;
        for (Counter c : ALL) {
            long v = values.get(c.ordinal());
            if (v == 0 && !withZeros) {
                continue;
            }
            if (!c.group().equals(group)) {
                if (group != null) {
                    sb.append('\n');
                }
                group = c.group();
                sb.append(group).append(':');
            }
            sb.append(' ').append(c.label()).append('=').append(v);
        }
        return sb.toString();
    }
}
