package org.netstack4j.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The arithmetic NewReno and CUBIC share: IW (RFC 6928), slow start, NewReno recovery windows, idle restart. */
class WindowControlTest {
    private static final int MSS = 1000;
    private static final long S = 1_000_000_000L;

    @Test
    void initialWindowFollowsRfc6928() {
        assertEquals(14_600, WindowControl.initialWindow(10, 1460), "min(10 * 1460, max(2920, 14600))");
        assertEquals(5_360, WindowControl.initialWindow(10, 536));
        assertEquals(14_600, WindowControl.initialWindow(10, 4000), "the 14600-byte cap");
        assertEquals(18_000, WindowControl.initialWindow(10, 9000), "never below 2 MSS");
        assertEquals(14_600, new NewReno(1460, 10, IdlePolicy.NEW_CWV).cwnd());
    }

    @Test
    void slowStartThenCongestionAvoidance() {
        NewReno r = new NewReno(MSS, 10, IdlePolicy.RESTART_WINDOW);
        r.onAck(3 * MSS, 0, -1, r.cwnd());
        assertEquals(11 * MSS, r.cwnd(), "at most one MSS per ACK (RFC 3465 L = 1)");
        r.onRetransmitTimeout(22 * MSS, 0);
        assertEquals(MSS, r.cwnd());
        assertEquals(11 * MSS, r.ssthresh(), "max(FlightSize / 2, 2 MSS)");
        for (int i = 0; i < 10; i++) {
            r.onAck(MSS, 0, -1, r.cwnd());
        }
        assertEquals(11 * MSS, r.cwnd());
        r.onAck(MSS, 0, -1, r.cwnd());
        assertEquals(11 * MSS + MSS * MSS / (11 * MSS), r.cwnd(), "RFC 5681 eq. 3");
    }

    @Test
    void anUnusedWindowDoesNotGrow() {
        NewReno r = new NewReno(MSS, 10, IdlePolicy.RESTART_WINDOW);
        r.onAck(MSS, 0, -1, 4 * MSS);
        assertEquals(10 * MSS, r.cwnd(), "4 of 10 segments in flight: application-limited");
        r.onAck(MSS, 0, -1, 5 * MSS);
        assertEquals(11 * MSS, r.cwnd());
    }

    @Test
    void newRenoRecoveryInflatesDeflatesAndEndsAtSsthresh() {
        NewReno r = new NewReno(MSS, 10, IdlePolicy.RESTART_WINDOW);
        r.onEnterRecovery(10 * MSS, 0, true);
        assertEquals(5 * MSS, r.ssthresh());
        assertEquals(8 * MSS, r.cwnd());
        r.onDuplicateAckInRecovery();
        r.onDuplicateAckInRecovery();
        assertEquals(10 * MSS, r.cwnd());
        r.onPartialAck(3 * MSS);
        assertEquals(8 * MSS, r.cwnd(), "cwnd - acked + MSS (RFC 6582 3.2 step 5)");
        r.onPartialAck(MSS / 2);
        assertEquals(7 * MSS + MSS / 2, r.cwnd(), "less than an MSS acked: no MSS added back");
        r.onExitRecovery(4 * MSS, 0);
        assertEquals(5 * MSS, r.cwnd(), "full ACK: deflate to ssthresh");
    }

    @Test
    void linuxRestartHalvesPerRtoIdle() {
        NewReno r = new NewReno(MSS, 10, IdlePolicy.RESTART_WINDOW);
        r.continueFrom(new NewReno(MSS, 80, IdlePolicy.RESTART_WINDOW));
        assertEquals(80 * MSS, r.cwnd());
        long rto = S / 5;
        r.onIdleRestart(rto, rto, 0);
        assertEquals(80 * MSS, r.cwnd(), "idle no longer than one RTO: unchanged");
        r.onIdleRestart(rto * 5 / 2, rto, 0);
        assertEquals(20 * MSS, r.cwnd(), "2.5 RTO idle: halved twice");
        assertEquals(60 * MSS, r.ssthresh(), "ssthresh keeps 3/4 of the old window");
        r.onIdleRestart(100 * rto, rto, 0);
        assertEquals(10 * MSS, r.cwnd(), "never below the restart window min(IW, cwnd)");
    }

    @Test
    void rfc7661KeepsTheWindowUntilTheNonValidatedPeriodEnds() {
        NewReno r = new NewReno(MSS, 10, IdlePolicy.NEW_CWV);
        r.continueFrom(new NewReno(MSS, 80, IdlePolicy.NEW_CWV));
        r.onIdleRestart(299 * S, S, 0);
        assertEquals(80 * MSS, r.cwnd(), "idle under 5 minutes: cwnd kept");
        r.onIdleRestart(300 * S, S, 0);
        assertEquals(40 * MSS, r.cwnd(), "cwnd = max(cwnd / 2, IW)");
        assertEquals(60 * MSS, r.ssthresh(), "ssthresh = max(ssthresh, 3/4 cwnd)");
        r.onIdleRestart(3600 * S, S, 0);
        assertEquals(10 * MSS, r.cwnd());
    }

    @Test
    void kindsByLinuxName() {
        assertEquals(CongestionControlKind.RENO, CongestionControlKind.named("reno"));
        assertEquals(CongestionControlKind.CUBIC, CongestionControlKind.named("cubic"));
        assertEquals("unknown congestion control 'bbr'; known: reno, cubic",
                assertThrows(IllegalArgumentException.class, () -> CongestionControlKind.named("bbr")).getMessage());
        assertEquals(CongestionControlKind.CUBIC,
                CongestionControlKind.CUBIC.create(MSS, 10, IdlePolicy.NEW_CWV, CubicTimeout.RFC_9438).kind());
    }
}
