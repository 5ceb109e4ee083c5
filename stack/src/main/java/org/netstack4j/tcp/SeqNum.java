package org.netstack4j.tcp;

/**
 * Wrap-safe TCP sequence-number arithmetic (RFC 9293 section 3.4): numbers live in a 32-bit space modulo
 * 2^32, stored in Java ints, and "a is before b" means the signed difference b - a is positive. Valid as long
 * as the two numbers are less than 2^31 apart, which window sizes guarantee.
 */
public final class SeqNum {
    private SeqNum() {
    }

    /** a < b. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** a <= b. */
    public static boolean leq(int a, int b) {
        return a - b <= 0;
    }

    /** a > b. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** a >= b. */
    public static boolean geq(int a, int b) {
        return a - b >= 0;
    }

    /** lo <= x < hi. */
    public static boolean inRange(int x, int lo, int hi) {
        return leq(lo, x) && lt(x, hi);
    }

    /** The later of a and b. */
    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    /** The earlier of a and b. */
    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /** The unsigned 32-bit value, for display and the wire's long-typed fields. */
    public static long unsigned(int seq) {
        return seq & 0xFFFF_FFFFL;
    }
}
