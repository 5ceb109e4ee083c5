package org.netstack4j.link;

/**
 * What a {@link FaultInjectingDevice} does to frames it sends. Rates are probabilities in [0, 1] applied
 * per frame with a seeded random generator, so a run is reproducible from its seed.
 *
 * @param loss          probability a frame is dropped
 * @param duplicate     probability a frame is sent twice
 * @param corrupt       probability one random bit of a frame is flipped
 * @param reorder       probability a frame is held back by {@code reorderDelayNanos} so later frames overtake it
 * @param reorderDelayNanos how long a reordered frame is held back
 * @param delayNanos    fixed extra one-way delay for every frame
 * @param jitterNanos   extra uniformly random delay in [0, jitter) (can reorder too)
 * @param rateBitsPerSecond serialisation rate of the link, 0 for unlimited
 * @param queueLimitBytes bytes that may wait for serialisation before tail drop (with a rate limit)
 */
public record FaultProfile(double loss, double duplicate, double corrupt, double reorder, long reorderDelayNanos,
                           long delayNanos, long jitterNanos, long rateBitsPerSecond, int queueLimitBytes) {

    /** No faults at all. */
    public static final FaultProfile NONE = new FaultProfile(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Checks every value is in range. */
    public FaultProfile {
        checkRate("loss", loss);
        checkRate("duplicate", duplicate);
        checkRate("corrupt", corrupt);
        checkRate("reorder", reorder);
        if (reorderDelayNanos < 0 || delayNanos < 0 || jitterNanos < 0 || rateBitsPerSecond < 0 || queueLimitBytes < 0) {
            throw new IllegalArgumentException("delays, rate and queue limit must not be negative");
        }
    }

    private static void checkRate(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
        }
    }

    /** This profile with loss probability {@code p}. */
    public FaultProfile withLoss(double p) {
        return new FaultProfile(p, duplicate, corrupt, reorder, reorderDelayNanos, delayNanos, jitterNanos,
                rateBitsPerSecond, queueLimitBytes);
    }

    /** This profile with duplication probability {@code p}. */
    public FaultProfile withDuplicate(double p) {
        return new FaultProfile(loss, p, corrupt, reorder, reorderDelayNanos, delayNanos, jitterNanos,
                rateBitsPerSecond, queueLimitBytes);
    }

    /** This profile with corruption probability {@code p}. */
    public FaultProfile withCorrupt(double p) {
        return new FaultProfile(loss, duplicate, p, reorder, reorderDelayNanos, delayNanos, jitterNanos,
                rateBitsPerSecond, queueLimitBytes);
    }

    /** This profile reordering with probability {@code p} by holding frames back {@code holdNanos}. */
    public FaultProfile withReorder(double p, long holdNanos) {
        return new FaultProfile(loss, duplicate, corrupt, p, holdNanos, delayNanos, jitterNanos,
                rateBitsPerSecond, queueLimitBytes);
    }

    /** This profile with a fixed delay and a random jitter. */
    public FaultProfile withDelay(long delay, long jitter) {
        return new FaultProfile(loss, duplicate, corrupt, reorder, reorderDelayNanos, delay, jitter,
                rateBitsPerSecond, queueLimitBytes);
    }

    /** This profile with a serialisation rate and a tail-drop queue. */
    public FaultProfile withRate(long bitsPerSecond, int queueBytes) {
        return new FaultProfile(loss, duplicate, corrupt, reorder, reorderDelayNanos, delayNanos, jitterNanos,
                bitsPerSecond, queueBytes);
    }
}
