package org.netstack4j.tcp;

import java.util.HashMap;
import java.util.Map;

/**
 * Path MTU per destination, learnt from ICMP "fragmentation needed" (RFC 1191): only ever lowered by a message,
 * never below the profile's floor, and forgotten after {@link #EXPIRY_NANOS} so that a path that grew again is
 * found again (RFC 1191 6.3: "no less than 10 minutes"; Linux ip_rt_mtu_expires is 10 minutes too).
 */
final class PathMtu {
    static final long EXPIRY_NANOS = 600_000_000_000L;
    /** RFC 1191 7: the plateau table, for routers that do not report the next-hop MTU. */
    private static final int[] PLATEAUS = {32_000, 17_914, 8_166, 4_352, 2_002, 1_492, 1_006, 508, 296, 68};

    private record Entry(int mtu, long expires) {
    }

    private final int linkMtu;
    private final int floor;
    private final Map<Integer, Entry> byDestination = new HashMap<>();

    /** A cache for a link of MTU {@code linkMtu}, lowering paths to no less than {@code floor}. */
    PathMtu(int linkMtu, int floor) {
        this.linkMtu = linkMtu;
        this.floor = Math.min(floor, linkMtu);
    }

    /** The path MTU towards {@code destination} at {@code now}: the link MTU unless a message lowered it. */
    int get(int destination, long now) {
        Entry e = byDestination.get(destination);
        if (e == null) {
            return linkMtu;
        }
        if (now >= e.expires) {
            byDestination.remove(destination);
            return linkMtu;
        }
        return e.mtu;
    }

    /**
     * Applies a "fragmentation needed" for a packet of {@code sentLength} bytes towards {@code destination} that
     * reported {@code nextHopMtu} (0 from routers older than RFC 1191: then the plateau below the packet's size,
     * RFC 1191 5). Returns the new path MTU, or -1 when the message does not lower it.
     */
    int lower(int destination, int nextHopMtu, int sentLength, long now) {
        int current = get(destination, now);
        int mtu = nextHopMtu;
        if (mtu == 0 || mtu >= sentLength) {
            mtu = plateauBelow(Math.min(sentLength, current));
        }
        mtu = Math.max(mtu, floor);
        if (mtu >= current) {
            return -1;
        }
        byDestination.put(destination, new Entry(mtu, now + EXPIRY_NANOS));
        return mtu;
    }

    private static int plateauBelow(int length) {
        for (int p : PLATEAUS) {
            if (p < length) {
                return p;
            }
        }
        return 68;
    }
}
