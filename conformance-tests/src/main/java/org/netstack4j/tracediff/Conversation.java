package org.netstack4j.tracediff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.netstack4j.wire.TcpSegment;

/**
 * The segments of one TCP connection in capture order, with its client (the endpoint that sent the first SYN,
 * or the first packet seen when the capture starts mid-connection) and its server.
 */
public record Conversation(String client, String server, List<TcpPacket> packets) {

    /** Splits a capture into connections, in the order they start; a new SYN on a used four-tuple starts anew. */
    public static List<Conversation> split(List<TcpPacket> capture) {
        List<Conversation> out = new ArrayList<>();
        Map<String, Conversation> open = new HashMap<>();
        for (TcpPacket p : capture) {
            String key = key(p);
            Conversation c = open.get(key);
            boolean freshSyn = p.has(TcpSegment.SYN) && !p.has(TcpSegment.ACK);
            if (c == null || freshSyn && !c.isRetransmittedSyn(p)) {
                c = new Conversation(p.from(), p.to(), new ArrayList<>());
                open.put(key, c);
                out.add(c);
            }
            c.packets.add(p);
        }
        return out;
    }

    private boolean isRetransmittedSyn(TcpPacket syn) {
        TcpPacket first = packets.getFirst();
        return first.has(TcpSegment.SYN) && !first.has(TcpSegment.ACK) && first.from().equals(syn.from())
                && first.header().sequenceNumber() == syn.header().sequenceNumber()
                && packets.stream().noneMatch(p -> p.has(TcpSegment.ACK) && !p.has(TcpSegment.SYN));
    }

    private static String key(TcpPacket p) {
        String a = p.from();
        String b = p.to();
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    /** The segments one endpoint sent. */
    public List<TcpPacket> sentBy(String endpoint) {
        return packets.stream().filter(p -> p.from().equals(endpoint)).toList();
    }

    @Override
    public String toString() {
        return client + " -> " + server + " (" + packets.size() + " segments)";
    }
}
