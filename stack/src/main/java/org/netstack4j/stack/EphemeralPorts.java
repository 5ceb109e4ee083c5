package org.netstack4j.stack;

import java.util.function.IntPredicate;

/**
 * Ephemeral port selection after RFC 6056 section 3.3.3 (Algorithm 3, "Simple Hash-Based"): the search
 * starts at an offset given by a keyed hash of the connection's addresses, so that port numbers are hard to
 * guess from outside, plus a counter, so that reconnecting to the same peer moves on to a fresh port.
 * The secret comes from the stack's seed, which keeps tests reproducible.
 */
public final class EphemeralPorts {
    private final int low;
    private final int count;
    private final long secret;
    private int next;

    /** Ports in [low, high] with a hash keyed by {@code secret}. */
    public EphemeralPorts(int low, int high, long secret) {
        this.low = low;
        this.count = high - low + 1;
        this.secret = secret;
    }

    /**
     * The first free port for the given addresses ({@code remote*} zero when not connected), or -1 when every
     * port is taken.
     */
    public int choose(int localIp, int remoteIp, int remotePort, IntPredicate inUse) {
        long offset = mix(((long) localIp << 32 | (remoteIp & 0xFFFF_FFFFL)) ^ mix(remotePort ^ secret));
        for (int i = 0; i < count; i++) {
            int port = low + (int) Long.remainderUnsigned(offset + next + i, count);
            if (!inUse.test(port)) {
                next += i + 1;
                return port;
            }
        }
        return -1;
    }

    /** A 64-bit finaliser (from the SplitMix64 generator) used as the keyed hash F of RFC 6056. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
