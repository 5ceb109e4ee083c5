package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The RTO arithmetic of both profiles: where the minimum applies, and how back-off is kept. */
class RttEstimatorTest {
    private static final long MS = 1_000_000L;

    @Test
    void linuxBoundsTheVarianceTermByTheMinimum() {
        RttEstimator e = new RttEstimator(TcpProfile.LINUX);
        e.sample(50 * MS); // SRTT 50 ms, RTTVAR 25 ms: 4 RTTVAR = 100 ms < 200 ms
        assertEquals(250 * MS, e.rto(), "SRTT + max(4 RTTVAR, rto_min), as Linux's tcp_set_rto");
    }

    @Test
    void linuxVarianceAboveTheMinimumCounts() {
        RttEstimator e = new RttEstimator(TcpProfile.LINUX);
        e.sample(120 * MS); // 4 RTTVAR = 240 ms > 200 ms
        assertEquals(360 * MS, e.rto());
    }

    @Test
    void rfcClampsTheSum() {
        RttEstimator e = new RttEstimator(TcpProfile.RFC);
        e.sample(50 * MS); // 50 + 100 = 150 ms, raised to the 1 s minimum of RFC 6298 2.4
        assertEquals(1000 * MS, e.rto());
        e = new RttEstimator(TcpProfile.RFC);
        e.sample(400 * MS); // 400 + 800 ms
        assertEquals(1200 * MS, e.rto());
    }
}
