package org.netstack4j.packetdrill;

import java.util.Map;

/** ICMP type and code names as packetdrill scripts write them (RFC 792, RFC 1191). */
final class IcmpNames {
    private static final Map<String, Integer> TYPES = Map.ofEntries(
            Map.entry("echo_reply", 0), Map.entry("unreachable", 3), Map.entry("source_quench", 4),
            Map.entry("redirect", 5), Map.entry("echo_request", 8), Map.entry("time_exceeded", 11),
            Map.entry("parameter_problem", 12), Map.entry("timestamp_request", 13),
            Map.entry("timestamp_reply", 14));
    private static final Map<String, Integer> UNREACHABLE_CODES = Map.ofEntries(
            Map.entry("net_unreachable", 0), Map.entry("host_unreachable", 1), Map.entry("protocol_unreachable", 2),
            Map.entry("port_unreachable", 3), Map.entry("frag_needed", 4), Map.entry("source_route_failed", 5),
            Map.entry("net_unknown", 6), Map.entry("host_unknown", 7), Map.entry("source_host_isolated", 8),
            Map.entry("net_prohibited", 9), Map.entry("host_prohibited", 10), Map.entry("net_unreachable_for_tos", 11),
            Map.entry("host_unreachable_for_tos", 12), Map.entry("packet_filtered", 13),
            Map.entry("precedence_violation", 14), Map.entry("precedence_cutoff", 15));
    private static final Map<String, Integer> TIME_EXCEEDED_CODES = Map.of("ttl_exceeded", 0,
            "fragment_reassembly_time_exceeded", 1);

    private IcmpNames() {
    }

    /** The type called {@code name}, or -1. */
    static int type(String name) {
        return TYPES.getOrDefault(name, -1);
    }

    /** The code called {@code name} for {@code type} (or a decimal code), or -1. */
    static int code(int type, String name) {
        Map<String, Integer> codes = type == 3 ? UNREACHABLE_CODES : type == 11 ? TIME_EXCEEDED_CODES : Map.of();
        return codes.getOrDefault(name, -1);
    }

    /** The name of {@code type}, or its number. */
    static String typeName(int type) {
        return TYPES.entrySet().stream().filter(e -> e.getValue() == type).map(Map.Entry::getKey).findFirst()
                .orElse(Integer.toString(type));
    }

    /** The name of {@code code} for {@code type}, or its number. */
    static String codeName(int type, int code) {
        Map<String, Integer> codes = type == 3 ? UNREACHABLE_CODES : type == 11 ? TIME_EXCEEDED_CODES : Map.of();
        return codes.entrySet().stream().filter(e -> e.getValue() == code).map(Map.Entry::getKey).findFirst()
                .orElse(Integer.toString(code));
    }
}
