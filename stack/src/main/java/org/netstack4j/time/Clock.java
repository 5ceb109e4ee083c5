package org.netstack4j.time;

/**
 * The only source of time for the protocol core: a monotonic count of nanoseconds.
 *
 * <p>The core never reads the wall clock and never sleeps. Production code injects {@link SystemClock};
 * tests inject a {@link VirtualClock} and move it by hand, so that retransmission, reassembly time-outs and
 * ARP expiry are exercised in microseconds of real time and always the same way.
 */
@FunctionalInterface
public interface Clock {
    /** Monotonic time in nanoseconds; only differences between two readings mean anything. */
    long nanos();
}
