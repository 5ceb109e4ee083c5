package org.netstack4j.tracediff;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpSegment;

/**
 * What one endpoint of a connection did, reduced to properties that two stacks running the same workload should
 * share: handshake options, how it segments and acknowledges, its window, retransmissions and how it closed.
 * Absolute numbers (ports, ISNs, timestamps) are left out so that two runs compare.
 */
public final class Behaviour {
    private Behaviour() {}

    /** The properties of {@code endpoint} in {@code c}, in a fixed order, as printable values. */
    public static Map<String, String> of(Conversation c, String endpoint) {
        List<TcpPacket> mine = c.sentBy(endpoint);
        List<TcpPacket> theirs = c.packets().stream().filter(p -> !p.from().equals(endpoint)).toList();
        Map<String, String> m = new LinkedHashMap<>();
        TcpPacket syn = mine.stream().filter(p -> p.has(TcpSegment.SYN)).findFirst().orElse(null);
        m.put("handshake options", syn == null ? "(no SYN seen)" : options(syn));
        m.put("handshake window", syn == null ? "-" : Integer.toString(syn.header().window()));
        m.put("flag pattern", flagPattern(mine));
        long data = mine.stream().filter(p -> p.payloadLength() > 0).count();
        long pureAcks = mine.stream()
                .filter(p -> p.payloadLength() == 0 && p.header().flags() == TcpSegment.ACK).count();
        long theirData = theirs.stream().filter(p -> p.payloadLength() > 0).count();
        m.put("segments", Long.toString(mine.size()));
        m.put("data segments", Long.toString(data));
        m.put("payload bytes", Long.toString(mine.stream().mapToLong(TcpPacket::payloadLength).sum()));
        m.put("largest payload", Integer.toString(mine.stream().mapToInt(TcpPacket::payloadLength).max().orElse(0)));
        m.put("pure ACKs", Long.toString(pureAcks));
        m.put("pure ACKs per data segment received",
                theirData == 0 ? "-" : String.format("%.2f", (double) pureAcks / theirData));
        m.put("retransmissions", Long.toString(retransmissions(mine)));
        m.put("zero-window adverts", Long.toString(mine.stream()
                .filter(p -> !p.has(TcpSegment.SYN) && !p.has(TcpSegment.RST) && p.header().window() == 0).count()));
        m.put("sent FIN", Boolean.toString(mine.stream().anyMatch(p -> p.has(TcpSegment.FIN))));
        m.put("sent RST", Boolean.toString(mine.stream().anyMatch(p -> p.has(TcpSegment.RST))));
        m.put("closed first", Boolean.toString(closedFirst(c, endpoint)));
        return m;
    }

    /** Option kinds in wire order, with the MSS and window-scale values (they are configuration, not noise). */
    static String options(TcpPacket p) {
        StringJoiner j = new StringJoiner(",");
        for (TcpOption o : p.header().options()) {
            j.add(switch (o) {
                case TcpOption.Mss mss -> "mss " + mss.mss();
                case TcpOption.WindowScale ws -> "wscale " + ws.shift();
                case TcpOption.SackPermitted s -> "sackOK";
                case TcpOption.Sack s -> "sack";
                case TcpOption.Timestamps ts -> "TS";
                case TcpOption.Nop n -> "nop";
                default -> "kind " + o.kind();
            });
        }
        return j.length() == 0 ? "(none)" : j.toString();
    }

    /**
     * Flag sets in order, with runs of the same set collapsed to one and a repeated group of up to three sets
     * written once with its count, e.g. {@code S. (. P.)x21 F.}: the shape of the exchange.
     */
    static String flagPattern(List<TcpPacket> mine) {
        List<String> sets = new java.util.ArrayList<>();
        for (TcpPacket p : mine) {
            String f = flags(p.header().flags());
            if (sets.isEmpty() || !sets.getLast().equals(f)) {
                sets.add(f);
            }
        }
        StringJoiner j = new StringJoiner(" ");
        int i = 0;
        while (i < sets.size()) {
            int bestLen = 1;
            int bestCount = 1;
            for (int len = 2; len <= 3; len++) {
                int count = 1;
                while (i + (count + 1) * len <= sets.size()
                        && sets.subList(i, i + len).equals(sets.subList(i + count * len, i + (count + 1) * len))) {
                    count++;
                }
                if (count > 1 && count * len > bestCount * bestLen) {
                    bestLen = len;
                    bestCount = count;
                }
            }
            String unit = String.join(" ", sets.subList(i, i + bestLen));
            j.add(bestCount > 1 ? "(" + unit + ")x" + bestCount : unit);
            i += bestLen * bestCount;
        }
        return j.toString();
    }

    /** packetdrill's flag letters: S, F, R, P, then "." for ACK. */
    static String flags(int bits) {
        StringBuilder s = new StringBuilder();
        if ((bits & TcpSegment.SYN) != 0) {
            s.append('S');
        }
        if ((bits & TcpSegment.FIN) != 0) {
            s.append('F');
        }
        if ((bits & TcpSegment.RST) != 0) {
            s.append('R');
        }
        if ((bits & TcpSegment.PSH) != 0) {
            s.append('P');
        }
        if ((bits & TcpSegment.ACK) != 0) {
            s.append('.');
        }
        return s.isEmpty() ? "-" : s.toString();
    }

    /** Segments carrying sequence space that was already sent (RFC 9293 sequence arithmetic, mod 2^32). */
    static long retransmissions(List<TcpPacket> mine) {
        long count = 0;
        Long highest = null;
        for (TcpPacket p : mine) {
            long len = p.sequenceLength();
            if (len == 0) {
                continue;
            }
            long seq = p.header().sequenceNumber();
            long end = (seq + len) & 0xFFFF_FFFFL;
            if (highest != null && (int) (end - highest) <= 0) {
                count++;
            } else {
                highest = end;
            }
        }
        return count;
    }

    private static boolean closedFirst(Conversation c, String endpoint) {
        for (TcpPacket p : c.packets()) {
            if (p.has(TcpSegment.FIN) || p.has(TcpSegment.RST)) {
                return p.from().equals(endpoint);
            }
        }
        return false;
    }
}
