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

    /** A controller grown by slow start to {@code segments} segments with no loss yet (RFC 9438 on a timeout). */
    private static Cubic grownTo(int segments) {
        return grownTo(segments, CubicTimeout.RFC_9438);
    }

    /** A controller grown by slow start to {@code segments} segments with no loss yet. */
    private static Cubic grownTo(int segments, CubicTimeout onTimeout) {
        Cubic c = new Cubic(MSS, 10, IdlePolicy.RESTART_WINDOW, onTimeout);
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

    /** Slow start from the loss window to ssthresh and one ACK of congestion avoidance at {@code epoch}. */
    private static void slowStartToTheNextEpoch(Cubic c, long epoch) {
        int ssthresh = c.ssthresh();
        while (c.cwnd() < ssthresh) {
            assertEquals(-1, c.epochStart(), "no epoch during slow start");
            c.onAck(MSS, epoch - S, RTT, c.cwnd());
        }
        c.onAck(MSS, epoch, RTT, c.cwnd());
        assertEquals(epoch, c.epochStart(), "the first congestion-avoidance ACK starts the epoch");
    }

    /**
     * RFC 9438 4.8: after a timeout the first congestion-avoidance epoch has K = 0 and W_max = the window it starts
     * with (70 segments, ssthresh), where a fast recovery from the same window would aim back at 100 with K =
     * cbrt(75). W_max is 4.6's 100 until then.
     */
    @Test
    void rfcTimeoutStartsTheNextEpochAtItsWindow() {
        Cubic c = grownTo(100, CubicTimeout.RFC_9438);
        c.onRetransmitTimeout(100 * MSS, 5 * S);
        assertEquals(70 * MSS, c.ssthresh(), "RFC 9438 4.6 on a timeout too");
        assertEquals(MSS, c.cwnd(), "RFC 5681 3.1: the loss window");
        assertEquals(100.0, c.wMax(), EPS, "4.6 until congestion avoidance begins");
        slowStartToTheNextEpoch(c, 20 * S);
        assertEquals(0.0, c.k(), EPS, "K = 0");
        assertEquals(70.0, c.wMax(), EPS, "W_max = cwnd at the beginning of congestion avoidance");
        assertEquals(70.0, c.wCubic(0), EPS);
        assertEquals(70.4, c.wCubic(1), EPS, "convex at once: C t^3 + 70");
        assertEquals(70.0, c.wEst(), 0.01, "W_est from cwnd_epoch (and one ACK's growth)");
    }

    /**
     * Linux: the timeout's ssthresh is CUBIC's (0.7 cwnd), and then entering the Loss state resets the curve,
     * last_max_cwnd included (bictcp_reset). The next epoch starts at cwnd with K = 0 as in the RFC, but W_max
     * stays 0 until the next loss, which takes W_max = cwnd without fast convergence.
     */
    @Test
    void linuxTimeoutForgetsWmax() {
        Cubic c = grownTo(100, CubicTimeout.LINUX_RESET);
        c.onRetransmitTimeout(100 * MSS, 5 * S);
        assertEquals(70 * MSS, c.ssthresh(), "recalc_ssthresh: 0.7 cwnd");
        assertEquals(MSS, c.cwnd());
        assertEquals(0.0, c.wMax(), EPS, "last_max_cwnd = 0");
        slowStartToTheNextEpoch(c, 20 * S);
        assertEquals(0.0, c.k(), EPS, "K = 0");
        assertEquals(0.0, c.wMax(), EPS);
        assertEquals(70.0, c.wCubic(0), EPS, "the curve's origin is cwnd_epoch");
        assertEquals(70.4, c.wCubic(1), EPS);
    }

    /**
     * Where the two differ: a loss in the slow start after a timeout. The RFC compares with 4.6's W_max (100) and
     * converges fast (W_max = 20 * 0.85); Linux has forgotten it (W_max = 20).
     */
    @Test
    void aLossInTheSlowStartAfterATimeoutConvergesFastOnlyPerRfc() {
        for (CubicTimeout policy : CubicTimeout.values()) {
            Cubic c = grownTo(100, policy);
            c.onRetransmitTimeout(100 * MSS, 5 * S);
            while (c.cwnd() < 20 * MSS) {
                c.onAck(MSS, 6 * S, RTT, c.cwnd());
            }
            c.onEnterRecovery(20 * MSS, 7 * S, false);
            assertEquals(policy == CubicTimeout.RFC_9438 ? 17.0 : 20.0, c.wMax(), EPS, policy.name());
            assertEquals(14 * MSS, c.ssthresh(), policy.name());
            c.onExitRecovery(14 * MSS, 7 * S);
            c.onAck(MSS, 8 * S, RTT, c.cwnd());
            // An ordinary epoch again: K from W_max and cwnd_epoch (4.2), no longer 0.
            double wMax = policy == CubicTimeout.RFC_9438 ? 17.0 : 20.0;
            assertEquals(Math.cbrt((wMax - 14) / Cubic.C), c.k(), 1e-12, policy.name());
        }
    }

    /**
     * A timeout that keeps ssthresh (during fast recovery, with the linux profile's reduction from cwnd) still
     * starts the next epoch with K = 0; Linux forgets the W_max fast recovery set.
     */
    @Test
    void aTimeoutWithoutReductionStillRestartsTheCurve() {
        for (CubicTimeout policy : CubicTimeout.values()) {
            Cubic c = grownTo(100, policy);
            c.onEnterRecovery(100 * MSS, 5 * S, false);
            c.onRetransmitTimeoutWithoutReduction(6 * S);
            assertEquals(70 * MSS, c.ssthresh(), "kept");
            assertEquals(MSS, c.cwnd());
            assertEquals(policy == CubicTimeout.RFC_9438 ? 100.0 : 0.0, c.wMax(), EPS, policy.name());
            slowStartToTheNextEpoch(c, 20 * S);
            assertEquals(0.0, c.k(), EPS, policy.name());
            assertEquals(70.0, c.wCubic(0), EPS, policy.name());
            assertEquals(policy == CubicTimeout.RFC_9438 ? 70.0 : 0.0, c.wMax(), EPS, policy.name());
        }
    }

    /**
     * A timeout proved spurious and undone (RFC 9438 4.9) takes back the curve before it, Linux's forgetting
     * included: the next epoch aims at the old W_max again.
     */
    @Test
    void anUndoneTimeoutRestoresTheCurveBeforeIt() {
        Cubic c = grownTo(100, CubicTimeout.LINUX_RESET);
        c.onEnterRecovery(100 * MSS, 5 * S, false);
        c.onExitRecovery(70 * MSS, 5 * S);
        c.onRetransmitTimeout(70 * MSS, 6 * S);
        assertEquals(0.0, c.wMax(), EPS);
        c.undo(70 * MSS, 70 * MSS);
        assertEquals(70 * MSS, c.cwnd());
        assertEquals(100.0, c.wMax(), EPS, "W_max before the timeout");
        c.onAck(MSS, 7 * S, RTT, c.cwnd());
        assertEquals(Math.cbrt(30 / Cubic.C), c.k(), 1e-12, "an ordinary epoch, not the first after a timeout");
    }

    @Test
    void newRenoHalvesWhereCubicKeepsSeventyPercent() {
        NewReno r = new NewReno(MSS, 10, IdlePolicy.RESTART_WINDOW);
        r.onEnterRecovery(40 * MSS, 0, true);
        assertEquals(20 * MSS, r.ssthresh());
        assertEquals(23 * MSS, r.cwnd(), "ssthresh + 3 MSS without SACK (RFC 5681 3.2 step 3)");
    }
}
