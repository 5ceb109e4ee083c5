package org.netstack4j.wire;

/**
 * One block of a SACK option: the sequence space from {@code left} up to but not including {@code right}
 * (RFC 2018 section 3).
 *
 * @param left  left edge, unsigned 32-bit
 * @param right right edge, unsigned 32-bit
 */
public record SackBlock(long left, long right) {

    /** Validates that both edges are unsigned 32-bit values. */
    public SackBlock {
        if ((left & ~0xFFFF_FFFFL) != 0 || (right & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("SACK edges must be unsigned 32-bit: " + left + ", " + right);
        }
    }
}
