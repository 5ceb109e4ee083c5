package org.netstack4j.tcp.cc;

/**
 * The congestion-control algorithms by the names Linux uses for TCP_CONGESTION and
 * net.ipv4.tcp_congestion_control.
 */
public enum CongestionControlKind {
    /** NewReno, RFC 5681 with RFC 6582 (Linux calls it "reno"). */
    RENO("reno"),
    /** CUBIC, RFC 9438. */
    CUBIC("cubic");

    private final String linuxName;

    CongestionControlKind(String linuxName) {
        this.linuxName = linuxName;
    }

    /** The name as TCP_CONGESTION spells it. */
    public String linuxName() {
        return linuxName;
    }

    /** The kind called {@code name}; IllegalArgumentException naming the known ones otherwise. */
    public static CongestionControlKind named(String name) {
        for (CongestionControlKind k : values()) {
            if (k.linuxName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown congestion control '" + name + "'; known: reno, cubic");
    }

    /**
     * A new controller of this kind with the initial window for {@code mss}; {@code cubicTimeout} is what a
     * timeout does to CUBIC's curve (NewReno has none).
     */
    public CongestionControl create(int mss, int initialSegments, IdlePolicy idle, CubicTimeout cubicTimeout) {
        return switch (this) {
            case RENO -> new NewReno(mss, initialSegments, idle);
            case CUBIC -> new Cubic(mss, initialSegments, idle, cubicTimeout);
        };
    }
}
