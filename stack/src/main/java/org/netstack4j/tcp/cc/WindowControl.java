package org.netstack4j.tcp.cc;

/**
 * What NewReno and CUBIC share: cwnd and ssthresh in bytes, the initial window (RFC 6928), slow start
 * (RFC 5681 3.1), the recovery window arithmetic of RFC 5681 3.2 and RFC 6582 3.2 (or RFC 6675 section 5 with
 * SACK), the loss window after a timeout and the restart after idle ({@link IdlePolicy}). Subclasses supply
 * congestion avoidance and the multiplicative decrease. cwnd is kept as a double so that per-ACK increments of a
 * fraction of a byte are not lost to rounding.
 */
abstract class WindowControl implements CongestionControl {
    /** RFC 6675 and RFC 5681: loss is declared at the third duplicate ACK; cwnd never drops below 2 MSS on loss. */
    static final int MIN_SEGMENTS_AFTER_LOSS = 2;
    protected int mss;
    protected final int initialSegments;
    private final IdlePolicy idle;
    /** cwnd in bytes. */
    protected double cwnd;
    /** ssthresh in bytes. */
    protected int ssthresh = Integer.MAX_VALUE;

    WindowControl(int mss, int initialSegments, IdlePolicy idle) {
        this.mss = mss;
        this.initialSegments = initialSegments;
        this.idle = idle;
        this.cwnd = initialWindow(initialSegments, mss);
    }

    /**
     * RFC 6928 section 2: IW = min(10 * MSS, max(2 * MSS, 14600)); for another segment count n the same rule
     * with 1460 * n as the byte cap (n = 10 gives the RFC's formula).
     */
    public static int initialWindow(int segments, int mss) {
        return Math.min(segments * mss, Math.max(2 * mss, 1460 * segments));
    }

    @Override
    public int cwnd() {
        return (int) cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public CongestionControl continueFrom(CongestionControl previous) {
        cwnd = previous.cwnd();
        ssthresh = previous.ssthresh();
        restartEpoch();
        return this;
    }

    @Override
    public void setMss(int mss) {
        this.mss = mss;
    }

    @Override
    public void reset(int mss) {
        this.mss = mss;
        this.cwnd = initialWindow(initialSegments, mss);
        this.ssthresh = Integer.MAX_VALUE;
        restartEpoch();
    }

    @Override
    public final void onAck(int acked, long now, long rttNanos, int flight) {
        // Grow only a window that was used (RFC 7661 4.3; Linux tcp_is_cwnd_limited): an application-limited
        // sender learns nothing about the path.
        if (2L * flight < (long) cwnd) {
            return;
        }
        if (cwnd < ssthresh) {
            // RFC 5681 3.1 eq. 2 with appropriate byte counting limited to one MSS per ACK (RFC 3465 L = 1).
            cwnd += Math.min(acked, mss);
            if (cwnd >= ssthresh) {
                restartEpoch();
            }
            return;
        }
        congestionAvoidance(acked, now, rttNanos);
    }

    /** One ACK of {@code acked} bytes in congestion avoidance. */
    protected abstract void congestionAvoidance(int acked, long now, long rttNanos);

    /**
     * The ssthresh to take on a congestion event, the reduction starting from {@code base} bytes (FlightSize or
     * cwnd, {@link ReductionBase}); may update state. cwnd is still the window before the reduction.
     */
    protected abstract int reduce(int base, long now);

    /** A new congestion-avoidance epoch starts (after recovery, a timeout or a reset). */
    protected abstract void restartEpoch();

    /** The window is back where it was before the last {@link #reduce}: what that changed goes back too. */
    protected abstract void undoReduction();

    @Override
    public void onEnterRecovery(int base, long now, boolean inflate) {
        ssthresh = reduce(base, now);
        // RFC 5681 3.2 step 3 (NewReno inflation by the three segments that left the network), or RFC 6675
        // section 5 step 4.2: cwnd = ssthresh and the pipe estimate decides what is sent.
        cwnd = inflate ? ssthresh + 3.0 * mss : ssthresh;
    }

    @Override
    public void onCongestionEchoSpread(int base, long now) {
        ssthresh = reduce(base, now);
    }

    @Override
    public void onEnterRecoveryWithoutReduction(boolean inflate) {
        cwnd = inflate ? ssthresh + 3.0 * mss : ssthresh;
    }

    @Override
    public void setRecoveryWindow(int bytes) {
        cwnd = Math.max(0, bytes);
    }

    @Override
    public void onDuplicateAckInRecovery() {
        cwnd += mss;
    }

    @Override
    public void onPartialAck(int acked) {
        // RFC 6582 3.2 step 5: deflate by the amount acknowledged, add back one MSS if at least one was acked.
        cwnd = Math.max(mss, cwnd - acked + (acked >= mss ? mss : 0));
    }

    @Override
    public void onExitRecovery(int flight, long now) {
        // RFC 6582 3.2 step 6, second option (as Linux does): deflate to ssthresh. The sender paces the resulting
        // burst by ACK clock only; RFC 6675 section 5 ends SACK recovery with the same window.
        cwnd = ssthresh;
        restartEpoch();
    }

    @Override
    public void onRetransmitTimeout(int base, long now) {
        ssthresh = reduce(base, now);
        cwnd = mss; // RFC 5681 3.1: the loss window is one segment
        restartEpoch();
    }

    @Override
    public void onRetransmitTimeoutWithoutReduction(long now) {
        cwnd = mss;
        restartEpoch();
    }

    @Override
    public void undo(int priorCwnd, int priorSsthresh) {
        if (cwnd < priorCwnd) {
            cwnd = priorCwnd;
            undoReduction();
        }
        ssthresh = Math.max(ssthresh, priorSsthresh);
    }

    @Override
    public void onIdleRestart(long idleNanos, long rto, long now) {
        int iw = initialWindow(initialSegments, mss);
        switch (idle) {
            case RESTART_WINDOW -> {
                if (idleNanos <= rto || rto <= 0) {
                    return;
                }
                double restart = Math.min(iw, cwnd);
                ssthresh = Math.max(ssthresh == Integer.MAX_VALUE ? 0 : ssthresh, (int) (cwnd * 3 / 4));
                for (long t = idleNanos - rto; t > 0 && cwnd > restart; t -= rto) {
                    cwnd /= 2;
                }
                cwnd = Math.max(cwnd, restart);
            }
            case NEW_CWV -> {
                for (long t = idleNanos; t >= IdlePolicy.NON_VALIDATED_PERIOD && cwnd > iw;
                     t -= IdlePolicy.NON_VALIDATED_PERIOD) {
                    ssthresh = Math.max(ssthresh == Integer.MAX_VALUE ? 0 : ssthresh, (int) (cwnd * 3 / 4));
                    cwnd = Math.max(cwnd / 2, iw);
                }
            }
        }
        restartEpoch();
    }

    /** cwnd in segments. */
    protected double segments() {
        return cwnd / mss;
    }
}
