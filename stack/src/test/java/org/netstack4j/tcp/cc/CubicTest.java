package org.netstack4j.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * CUBIC's window against the formulas of RFC 9438 (K, W_cubic, the Reno-friendly W_est, fast convergence),
 * driven by hand with virtual times. One segment is 1000 bytes so that windows read directly in segments.
 */
class CubicTest {
    private static final int MSS = 1000;
    private static final long S = 1_000_000_000L;
    private static final long RTT = 100_000_000L;
    private static final double EPS = 1e-9;

    /** A controller grown by slow start to {@code segments} segments with no loss yet. */
    private static Cubic grownTo(int segments) {
        Cubic c = new Cubic(MSS, 10, IdlePolicy.RESTART_WINDOW);
        while (c.cwnd() < segments * MSS) {
            c.onAck(MSS, 0, RTT, c.cwnd());
        }
        assertEquals(segments * MSS, c.cwnd());
        return c;
    }

    @Test
    void lossSetsWmaxSsthreshAndK() {
        Cubic c = grownTo(100);
        c.onEnterRecovery(100 * MSS, 10 * S, false);
        assertEquals(100.0, c.wMax(), EPS, "W_max is cwnd at the loss");
        assertEquals(70 * MSS, c.ssthresh(), "ssthresh = 0.7 * FlightSize (RFC 9438 4.6)");
        assertEquals(70 * MSS, c.cwnd(), "SACK recovery: cwnd = ssthresh");
        c.onExitRecovery(70 * MSS, 10 * S);
        c.onAck(MSS, 11 * S, RTT, c.cwnd()); // first ACK of the epoch
        assertEquals(11 * S, c.epochStart());
        // K = cbrt(W_max (1 - beta) / C) = cbrt(100 * 0.3 / 0.4) = cbrt(75).
        assertEquals(4.217163326508746, c.k(), 1e-12);
        assertEquals(75.0, c.k() * c.k() * c.k(), 1e-9);
    }

    @Test
    void windowCurveMatchesTheRfcAtSeveralTimes() {
        Cubic c = grownTo(100);
        c.onEnterRecovery(100 * MSS, 10 * S, false);
        c.onExitRecovery(70 * MSS, 10 * S);
        c.onAck(MSS, 20 * S, RTT, c.cwnd());
        double k = 4.217163326508746;
        assertEquals(70.0, c.wCubic(0), 1e-9, "W_cubic(0) = cwnd_epoch = beta * W_max");
        assertEquals(100.0, c.wCubic(k), 1e-9, "W_cubic(K) = W_max: the plateau");
        assertEquals(130.0, c.wCubic(2 * k), 1e-9, "symmetric: W_cubic(2K) = W_max + (W_max - cwnd_epoch)");
        for (double t : new double[] {0.5, 1, 2, 3, 5, 8}) {
            double expected = 0.4 * Math.pow(t - k, 3) + 100;
            assertEquals(expected, c.wCubic(t), 1e-9, "W_cubic(" + t + ")");
        }
    }

    @Test
    void cwndMovesTowardsTheCurveOneRttAhead() {
        Cubic c = grownTo(100);
        c.onEnterRecovery(100 * MSS, 10 * S, false);
        c.onExitRecovery(70 * MSS, 10 * S);
        long epoch = 20 * S;
        c.onAck(MSS, epoch, RTT, c.cwnd()); // Reno-friendly at t = 0: W_cubic(0) = 70 < W_est
        double w = c.cwnd() / (double) MSS;
        assertEquals(70 + Cubic.ALPHA / 70, c.wEst(), 1e-12, "W_est = cwnd_epoch + alpha * 1 / cwnd");
        assertEquals(c.wEst(), w, 1.0 / MSS, "at t = 0 cwnd follows W_est");
        // One second later the curve (about 86.7) is far above W_est: concave region.
        double k = Math.cbrt(30 / 0.4);
        for (int i = 0; i < 5; i++) {
            double before = c.cwnd() / (double) MSS;
            c.onAck(MSS, epoch + S, RTT, c.cwnd());
            double target = Math.min(Math.max(0.4 * Math.pow(1.1 - k, 3) + 100, before), 1.5 * before);
            double expected = before + (target - before) / before;
            // cwnd() rounds down to whole bytes; the controller keeps the fraction.
            assertEquals(expected, c.cwnd() / (double) MSS, 1.0 / MSS, "ACK " + i + " at t = 1 s");
        }
        // Far beyond K the target is capped at 1.5 cwnd (RFC 9438 4.4: target <= 1.5 cwnd).
        double before = c.cwnd() / (double) MSS;
        c.onAck(MSS, epoch + 60 * S, RTT, c.cwnd());
        assertEquals(before + 0.5, c.cwnd() / (double) MSS, 1.0 / MSS);
    }

    @Test
    void renoFriendlyRegionUsesWest() {
        // W_max = 10: K = cbrt(3 / 0.4) = 1.957 s, so early on W_cubic stays below what Reno would reach.
        Cubic c = grownTo(10);
        c.onEnterRecovery(10 * MSS, 0, false);
        c.onExitRecovery(7 * MSS, 0);
        assertEquals(7 * MSS, c.cwnd());
        long epoch = S;
        double wEst = 7;
        for (int i = 0; i < 7; i++) {
            double w = c.cwnd() / (double) MSS;
            c.onAck(MSS, epoch + i * 10_000_000L, RTT, c.cwnd());
            wEst += Cubic.ALPHA / w;
            assertEquals(wEst, c.wEst(), 1e-3, "W_est += alpha * acked / cwnd (RFC 9438 4.3), ACK " + i);
            double t = i * 0.01;
            assertTrue(c.wCubic(t) < c.wEst(), "Reno-friendly region at t = " + t);
            assertEquals(c.wEst(), c.cwnd() / (double) MSS, 1.0 / MSS, "cwnd = W_est");
        }
        assertEquals(0.5294117647058824, Cubic.ALPHA, 1e-15, "alpha = 3 * 0.3 / 1.7");
    }

    @Test
    void westGrowsWithAlphaOneOnceItReachesThePriorWindow() {
        Cubic c = grownTo(10);
        c.onEnterRecovery(10 * MSS, 0, false);
        c.onExitRecovery(7 * MSS, 0);
        long t = S;
        while (c.wEst() < 10) {
            c.onAck(MSS, t, RTT, c.cwnd());
        }
        double w = c.cwnd() / (double) MSS;
        double before = c.wEst();
        c.onAck(MSS, t, RTT, c.cwnd());
        assertEquals(before + 1.0 / w, c.wEst(), 1e-3, "alpha_cubic = 1 once W_est >= cwnd_prior");
    }

    @Test
    void fastConvergenceLowersWmaxWhenTheWindowShrinks() {
        Cubic c = grownTo(100);
        c.onEnterRecovery(100 * MSS, 10 * S, false);
        c.onExitRecovery(70 * MSS, 10 * S);
        assertEquals(100.0, c.wMax(), EPS);
        // A second loss at 70 < W_max: W_max = 70 * (1 + 0.7) / 2 = 59.5 (RFC 9438 4.7).
        c.onEnterRecovery(70 * MSS, 11 * S, false);
        assertEquals(59.5, c.wMax(), EPS);
        assertEquals(49 * MSS, c.ssthresh());
        c.onExitRecovery(49 * MSS, 11 * S);
        c.onAck(MSS, 12 * S, RTT, c.cwnd());
        assertEquals(Math.cbrt((59.5 - 49) / 0.4), c.k(), 1e-12, "K from the lowered W_max and cwnd_epoch");
        // A loss above W_max takes W_max = cwnd without the reduction.
        Cubic d = grownTo(100);
        d.onEnterRecovery(100 * MSS, 0, false);
        d.onExitRecovery(70 * MSS, 0);
        while (d.cwnd() < 120 * MSS) {
            d.onAck(MSS, 100 * S, RTT, d.cwnd());
        }
        double w = d.cwnd() / (double) MSS;
        d.onEnterRecovery(d.cwnd(), 101 * S, false);
        assertEquals(w, d.wMax(), 1.0 / MSS);
    }

    @Test
    void timeoutLeavesOneSegmentAndReducesSsthresh() {
        Cubic c = grownTo(40);
        c.onRetransmitTimeout(40 * MSS, 5 * S);
        assertEquals(MSS, c.cwnd());
        assertEquals(28 * MSS, c.ssthresh());
        assertEquals(40.0, c.wMax(), EPS);
        c.onAck(MSS, 6 * S, RTT, c.cwnd());
        assertEquals(2 * MSS, c.cwnd(), "slow start again below ssthresh");
    }

    @Test
    void newRenoHalvesWhereCubicKeepsSeventyPercent() {
        NewReno r = new NewReno(MSS, 10, IdlePolicy.RESTART_WINDOW);
        r.onEnterRecovery(40 * MSS, 0, true);
        assertEquals(20 * MSS, r.ssthresh());
        assertEquals(23 * MSS, r.cwnd(), "ssthresh + 3 MSS without SACK (RFC 5681 3.2 step 3)");
    }
}
