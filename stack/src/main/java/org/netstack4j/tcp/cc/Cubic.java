package org.netstack4j.tcp.cc;

/**
 * CUBIC, RFC 9438. Windows are computed in segments (the unit of C) and kept in bytes; time is the stack's
 * virtual clock in nanoseconds, converted to seconds for the curve.
 *
 * <ul>
 *   <li>Section 4.2: W_cubic(t) = C (t - K)^3 + W_max with C = 0.4 and K = cbrt((W_max - cwnd_epoch) / C),
 *       where t runs from the start of the congestion-avoidance epoch and cwnd_epoch is cwnd then.</li>
 *   <li>Section 4.3: the Reno-friendly estimate W_est starts at cwnd_epoch and grows by
 *       alpha_cubic * segments_acked / cwnd, alpha_cubic = 3 (1 - beta) / (1 + beta), and 1 once W_est
 *       reaches the window before the last reduction; while W_cubic(t) &lt; W_est, cwnd = W_est.</li>
 *   <li>Sections 4.4 and 4.5: otherwise cwnd grows by (target - cwnd) / cwnd per segment acknowledged with
 *       target = W_cubic(t + RTT) clamped to [cwnd, 1.5 cwnd].</li>
 *   <li>Section 4.6: on congestion ssthresh = max(FlightSize * beta, 2 MSS), beta = 0.7; Linux's recalc_ssthresh
 *       takes cwnd * beta instead ({@link ReductionBase}). W_max and cwnd_prior are cwnd before the reduction
 *       either way (sections 4.6 and 4.7; Linux's last_max_cwnd and prior_cwnd).</li>
 *   <li>Section 4.7: fast convergence: a loss below the previous W_max sets W_max = cwnd (1 + beta) / 2.</li>
 *   <li>Section 4.8: after a retransmission timeout the first congestion-avoidance epoch starts at the window it
 *       begins with, K = 0 and W_est = cwnd_epoch; W_max meanwhile as {@link CubicTimeout} says (the RFC's, or
 *       Linux's reset to 0).</li>
 *   <li>Section 4.9: a reduction that D-SACKs prove spurious is undone with the curve's state before it
 *       ({@link #undo}).</li>
 * </ul>
 */
public final class Cubic extends WindowControl {
    /** RFC 9438 4.2: C = 0.4 (segments per second cubed). */
    public static final double C = 0.4;
    /** RFC 9438 4.6: beta_cubic = 0.7. */
    public static final double BETA = 0.7;
    /** RFC 9438 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta). */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
    private static final double NANOS_PER_SECOND = 1e9;

    /** W_max in segments: the window before the last reduction, after fast convergence; 0 before any loss. */
    private double wMax;
    /** cwnd_prior in segments: cwnd when ssthresh was last set (RFC 9438 4.3). */
    private double cwndPrior;
    /** The curve's plateau for this epoch: W_max, or cwnd_epoch when cwnd already exceeds W_max. */
    private double origin;
    private double k;
    private double wEst;
    /** Start of the current congestion-avoidance epoch (ns), or -1 until its first ACK. */
    private long epochStart = -1;
    private long lastRtt;
    /**
     * The curve as it was before the last reduction, for {@link #undoReduction} (RFC 9438 4.9: W_max, K,
     * epoch_start, W_est and cwnd_prior before the spurious congestion event); null when there is none to restore.
     */
    private Curve saved;

    /** The state of the curve that a reduction changes and an undo puts back. */
    private record Curve(double wMax, double cwndPrior, double origin, double k, double wEst, long epochStart) {
    }
    /** What a timeout does to W_max (RFC 9438 4.8, or Linux's bictcp_reset). */
    private final CubicTimeout onTimeout;
    /** A timeout happened since the last congestion event: the next epoch is the first after it (4.8). */
    private boolean afterTimeout;

    /**
     * A controller starting at the RFC 6928 initial window for {@code mss}; {@code onTimeout} says what a
     * retransmission timeout does to the curve.
     */
    public Cubic(int mss, int initialSegments, IdlePolicy idle, CubicTimeout onTimeout) {
        super(mss, initialSegments, idle);
        this.onTimeout = onTimeout;
    }

    @Override
    public CongestionControlKind kind() {
        return CongestionControlKind.CUBIC;
    }

    @Override
    protected void congestionAvoidance(int acked, long now, long rttNanos) {
        if (rttNanos > 0) {
            lastRtt = rttNanos;
        }
        if (epochStart < 0) {
            startEpoch(now);
        }
        double segmentsAcked = (double) acked / mss;
        double w = segments();
        // Section 4.3: Reno-friendly estimate, alpha 1 once past the window before the last reduction.
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA;
        wEst += alpha * segmentsAcked / w;
        double t = (now - epochStart) / NANOS_PER_SECOND;
        if (wCubic(t) < wEst) {
            cwnd = wEst * mss;
            return;
        }
        // Sections 4.4/4.5: concave or convex region, aiming at where the curve will be one RTT from now.
        double target = wCubic(t + lastRtt / NANOS_PER_SECOND);
        target = Math.min(Math.max(target, w), 1.5 * w);
        cwnd = (w + (target - w) / w * segmentsAcked) * mss;
    }

    private void startEpoch(long now) {
        epochStart = now;
        double cwndEpoch = segments();
        wEst = cwndEpoch;
        if (afterTimeout) {
            // Section 4.8: the first congestion-avoidance stage after a timeout: K = 0, W_max = cwnd_epoch (Linux
            // has forgotten W_max, which makes the curve start at cwnd_epoch with K = 0 all the same).
            afterTimeout = false;
            if (onTimeout == CubicTimeout.RFC_9438) {
                wMax = cwndEpoch;
            }
            origin = cwndEpoch;
            k = 0;
        } else if (wMax > cwndEpoch) {
            origin = wMax;
            k = Math.cbrt((wMax - cwndEpoch) / C);
        } else {
            // Above the old maximum (or none yet): the curve starts its convex part at once.
            origin = cwndEpoch;
            k = 0;
        }
    }

    @Override
    protected int reduce(int base, long now) {
        saved = new Curve(wMax, cwndPrior, origin, k, wEst, epochStart); // once per reduction, not per ACK
        afterTimeout = false; // a new congestion event: sections 4.6 and 4.7 as usual
        double w = segments();
        // Section 4.7: fast convergence releases bandwidth for newer flows when the window keeps shrinking.
        wMax = w < wMax ? w * (1 + BETA) / 2 : w;
        cwndPrior = w;
        epochStart = -1;
        return (int) Math.max(base * BETA, MIN_SEGMENTS_AFTER_LOSS * mss);
    }

    @Override
    protected void restartEpoch() {
        epochStart = -1;
    }

    /** RFC 9438 4.8 after the reduction of 4.6 (ssthresh, W_max); see {@link CubicTimeout}. */
    @Override
    public void onRetransmitTimeout(int base, long now) {
        super.onRetransmitTimeout(base, now);
        timedOut();
    }

    /** A timeout that keeps ssthresh and W_max is still a timeout for the curve (4.8; Linux resets it too). */
    @Override
    public void onRetransmitTimeoutWithoutReduction(long now) {
        super.onRetransmitTimeoutWithoutReduction(now);
        timedOut();
    }

    private void timedOut() {
        afterTimeout = true;
        if (onTimeout == CubicTimeout.LINUX_RESET) {
            // bictcp_reset: the whole curve, last_max_cwnd included (the undo state above is ours, RFC 9438 4.9).
            wMax = 0;
            origin = 0;
            k = 0;
            wEst = 0;
        }
    }

    /**
     * RFC 9438 4.9: after a spurious congestion event the curve continues as if the reduction had not happened:
     * W_max, cwnd_prior, K, W_est and the epoch's start come back (the caller has restored cwnd and ssthresh).
     * Linux's CUBIC restores cwnd only (tcp_reno_undo_cwnd) and keeps the W_max of the reduction.
     */
    @Override
    protected void undoReduction() {
        Curve c = saved;
        if (c == null) {
            restartEpoch(); // reduced by the controller this one took over from (TCP_CONGESTION): nothing to restore
            return;
        }
        wMax = c.wMax();
        cwndPrior = c.cwndPrior();
        origin = c.origin();
        k = c.k();
        wEst = c.wEst();
        epochStart = c.epochStart();
        afterTimeout = false; // the timeout, if that was the reduction, is taken back too
        saved = null;
    }

    /** W_cubic(t) in segments for {@code t} seconds into the current epoch (RFC 9438 eq. 1). */
    public double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + origin;
    }

    /** K in seconds for the current epoch (RFC 9438 eq. 2). */
    public double k() {
        return k;
    }

    /** W_max in segments. */
    public double wMax() {
        return wMax;
    }

    /** W_est in segments (RFC 9438 4.3). */
    public double wEst() {
        return wEst;
    }

    /** Start of the current epoch in ns, or -1 before its first ACK. */
    public long epochStart() {
        return epochStart;
    }
}
