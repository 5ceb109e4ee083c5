package org.netstack4j.packetdrill;

/**
 * When an event happens, in microseconds. {@code +t} is relative to the previous event, {@code t} absolute
 * from the start, {@code *} any time (outbound packets only), {@code a~b} or {@code +a~+b} a range, and a
 * blocking call {@code t...end} starts at {@code t} and must return at {@code end} (in the same base as the
 * start; an explicit {@code +end} counts from the call's start).
 *
 * @param kind        which form
 * @param startMicros start (or the only) time
 * @param rangeEndMicros upper end of a range, else equal to start
 * @param blockingEnd where a blocking call must return, or null for a call that must return at once
 */
public record EventTime(Kind kind, long startMicros, long rangeEndMicros, BlockingEnd blockingEnd) {

    /** The forms of an event time. */
    public enum Kind {
        /** {@code 1.5}: seconds from the start of the script. */
        ABSOLUTE,
        /** {@code +0.1}: after the previous event. */
        RELATIVE,
        /** {@code *}: any time. */
        ANY,
        /** {@code 1~1.2}. */
        ABSOLUTE_RANGE,
        /** {@code +0~+0.2}. */
        RELATIVE_RANGE
    }

    /**
     * The end of a blocking call ({@code ...end}).
     *
     * @param micros      the time
     * @param explicitRelative written with a {@code +}: counts from the call's own start
     */
    public record BlockingEnd(long micros, boolean explicitRelative) {
    }

    /** True for the two relative forms. */
    public boolean relative() {
        return kind == Kind.RELATIVE || kind == Kind.RELATIVE_RANGE;
    }
}
