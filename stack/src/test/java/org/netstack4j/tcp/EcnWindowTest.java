package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The sender's ECN window on {@link Ecn} itself: one reduction per window of data (RFC 3168 6.1.2) up to and
 * including the ACK that reaches the window's end, and a window once passed is forgotten, so that sequence
 * numbers 2^31 further on do not find it ahead again.
 */
class EcnWindowTest {
    private static Ecn negotiated() {
        Ecn e = new Ecn();
        e.ok = true;
        return e;
    }

    @Test
    void theAckReachingTheEndOfTheReducedWindowStillEchoesWithoutASecondReduction() {
        Ecn e = negotiated();
        assertTrue(e.onEcho(1000, 31_000, false), "the first ECE reduces");
        assertFalse(e.onEcho(20_000, 40_000, false), "inside the window");
        // The receiver sees CWR only on the segment that starts at 31 000, so the ACK of 31 000 still echoes.
        assertFalse(e.onEcho(31_000, 40_000, false), "the ACK reaching the end of the window");
        assertTrue(e.onEcho(31_001, 40_000, false), "past it: new congestion");
    }

    @Test
    void aWindowOncePassedIsForgottenBeforeSequenceNumbersWrap() {
        Ecn e = negotiated();
        assertTrue(e.onEcho(1000, 31_000, false));
        e.forgetPassed(31_001);
        assertFalse(e.reducing(31_001));
        // 2^31 bytes later the old end looks ahead again in wrap-around arithmetic; forgotten, it does not count.
        int farOn = 31_000 + (1 << 31) + 500;
        assertFalse(e.reducing(farOn));
        assertTrue(e.onEcho(farOn, farOn + 30_000, false), "an ECE there reduces");
    }

    @Test
    void withoutForgettingTheOldWindowWouldLookAheadAgain() {
        // What forgetPassed guards against: the comparison alone, 2^31 + 500 bytes after the window end.
        Ecn e = negotiated();
        assertTrue(e.onEcho(1000, 31_000, false));
        assertTrue(e.reducing(31_000 + (1 << 31) + 500), "wrap-around: the stale end is 'ahead'");
    }
}
