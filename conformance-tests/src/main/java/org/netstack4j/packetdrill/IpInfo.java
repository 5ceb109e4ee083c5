package org.netstack4j.packetdrill;

/**
 * The bracketed IP part of a packet line: {@code [noecn]}, {@code [ect0]}, {@code [ect1]}, {@code [ce]},
 * {@code [ect01]} (either ECT), {@code [tos 0x..]}, {@code [ttl N]}. Fields not written are -1 (not checked
 * on outbound packets, defaults on inbound ones).
 *
 * @param ecn the two ECN bits, {@link #ECT_ANY} or -1
 * @param tos the whole TOS byte, or -1
 * @param ttl the TTL, or -1
 */
public record IpInfo(int ecn, int tos, int ttl) {
    /** Nothing written. */
    public static final IpInfo NONE = new IpInfo(-1, -1, -1);
    /** {@code ect01}: ECT(0) or ECT(1). */
    public static final int ECT_ANY = 4;

    /** True if nothing was written. */
    public boolean isEmpty() {
        return ecn < 0 && tos < 0 && ttl < 0;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        if (ecn >= 0) {
            b.append(switch (ecn) {
                case 0 -> "noecn";
                case 1 -> "ect1";
                case 2 -> "ect0";
                case 3 -> "ce";
                default -> "ect01";
            });
        }
        if (tos >= 0) {
            b.append(b.length() > 1 ? " " : "").append("tos 0x").append(Integer.toHexString(tos));
        }
        if (ttl >= 0) {
            b.append(b.length() > 1 ? " " : "").append("ttl ").append(ttl);
        }
        return b.append(']').toString();
    }
}
