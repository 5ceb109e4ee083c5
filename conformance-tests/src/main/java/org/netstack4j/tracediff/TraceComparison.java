package org.netstack4j.tracediff;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares two captures of the same client workload, e.g. curl against a Linux server in a namespace and the same
 * curl against netstack4j: connections are paired in the order they start, and for each the client's and the
 * server's {@link Behaviour} are compared property by property. The result lists every property that differs.
 */
public final class TraceComparison {
    /** One differing property of one side of one connection pair. */
    public record Difference(int connection, String side, String property, String a, String b) {
        @Override
        public String toString() {
            return "connection " + connection + " " + side + " " + property + ": " + a + " | " + b;
        }
    }

    private final List<Conversation> a;
    private final List<Conversation> b;
    private final List<Difference> differences = new ArrayList<>();

    private TraceComparison(List<Conversation> a, List<Conversation> b) {
        this.a = a;
        this.b = b;
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            compare(i + 1, "client", Behaviour.of(a.get(i), a.get(i).client()), Behaviour.of(b.get(i), b.get(i).client()));
            compare(i + 1, "server", Behaviour.of(a.get(i), a.get(i).server()), Behaviour.of(b.get(i), b.get(i).server()));
        }
    }

    /** Compares the TCP connections of two pcap files. */
    public static TraceComparison of(Path a, Path b) throws IOException {
        return of(conversations(a), conversations(b));
    }

    /** Compares two lists of connections. */
    public static TraceComparison of(List<Conversation> a, List<Conversation> b) {
        return new TraceComparison(a, b);
    }

    /** The TCP connections of a pcap file. */
    public static List<Conversation> conversations(Path pcap) throws IOException {
        List<TcpPacket> packets = PcapReader.read(pcap).stream().map(TcpPacket::of).flatMap(Optional::stream).toList();
        return Conversation.split(packets);
    }

    private void compare(int n, String side, Map<String, String> x, Map<String, String> y) {
        for (Map.Entry<String, String> e : x.entrySet()) {
            String other = y.get(e.getKey());
            if (!e.getValue().equals(other)) {
                differences.add(new Difference(n, side, e.getKey(), e.getValue(), other));
            }
        }
    }

    /** Every property that differs, connection by connection, client before server. */
    public List<Difference> differences() {
        return List.copyOf(differences);
    }

    /** The connections of the first capture. */
    public List<Conversation> first() {
        return a;
    }

    /** The connections of the second capture. */
    public List<Conversation> second() {
        return b;
    }

    /**
     * A readable report: both sides of every connection pair, property by property, marking differences with
     * {@code !=}, then a one-line summary.
     */
    public String report(String labelA, String labelB) {
        StringBuilder s = new StringBuilder();
        s.append("A = ").append(labelA).append(": ").append(a.size()).append(" connection(s)\n");
        s.append("B = ").append(labelB).append(": ").append(b.size()).append(" connection(s)\n");
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            s.append("\nconnection ").append(i + 1).append(": A ").append(a.get(i)).append("; B ").append(b.get(i))
                    .append('\n');
            for (String side : List.of("client", "server")) {
                Conversation ca = a.get(i);
                Conversation cb = b.get(i);
                Map<String, String> x = Behaviour.of(ca, side.equals("client") ? ca.client() : ca.server());
                Map<String, String> y = Behaviour.of(cb, side.equals("client") ? cb.client() : cb.server());
                for (Map.Entry<String, String> e : x.entrySet()) {
                    String other = y.get(e.getKey());
                    boolean same = e.getValue().equals(other);
                    s.append(String.format("  %-6s %-37s %s A=%s%s%n", side, e.getKey(), same ? "  " : "!=",
                            e.getValue(), same ? "" : "  B=" + other));
                }
            }
        }
        if (a.size() != b.size()) {
            s.append("\nconnection count differs: A has ").append(a.size()).append(", B has ").append(b.size())
                    .append('\n');
        }
        s.append("\n").append(differences.size()).append(" difference(s) in ").append(Math.min(a.size(), b.size()))
                .append(" connection pair(s)\n");
        return s.toString();
    }
}
