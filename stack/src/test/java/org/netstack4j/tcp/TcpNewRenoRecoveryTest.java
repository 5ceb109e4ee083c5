package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.wire.TcpSegment.ACK;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.cc.CongestionControlKind;

/**
 * NewReno fast recovery against a scripted peer in virtual time (RFC 5681 3.2, RFC 6582 3.2): the third
 * duplicate ACK retransmits the first segment, a partial ACK retransmits the next hole at once and keeps the
 * sender in recovery, the full ACK ends recovery with cwnd deflated to ssthresh. No SACK: the peer's SYN-ACK
 * does not offer it. Without Proportional Rate Reduction (the rfc profile's choice), so that RFC 5681's window
 * inflation is what is tested; PRR is {@link TcpProportionalRateReductionTest}'s.
 */
class TcpNewRenoRecoveryTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;

    @Test
    void partialAckRetransmitsTheNextHoleAndStaysInRecovery() {
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.LINUX.withCongestionControl(CongestionControlKind.RENO)
                .withProportionalRateReduction(false))) {
            int fd = p.activeOpen();
            TcpSender snd = p.conn().sender();
            assertEquals(CongestionControlKind.RENO, snd.congestionControl().kind());
            assertEquals(10 * MSS, snd.congestionWindow(), "RFC 6928 initial window");
            p.api.send(fd, TcpPeer.bytes(10 * MSS), 0, 10 * MSS, 0);
            List<Long> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                TcpPeer.Seg s = p.expect();
                assertEquals(MSS, s.payload().length);
                sent.add(s.seq());
            }
            assertEquals(1L + 9 * MSS, sent.get(9));
            p.expectNothing();
            // Segments 0 and 3 are lost; the other eight each draw a duplicate ACK of 1.
            p.send(ACK, 1, 1);
            p.send(ACK, 1, 1);
            p.expectNothing();
            p.send(ACK, 1, 1);
            TcpPeer.Seg fast = p.expect();
            assertEquals(1, fast.seq(), "fast retransmit of the first segment on the third duplicate ACK");
            assertEquals(MSS, fast.payload().length);
            assertTrue(snd.inRecovery());
            assertEquals(1, p.counter(Counter.TCP_RENO_RECOVERY));
            assertEquals(0, p.counter(Counter.TCP_SACK_RECOVERY));
            assertEquals(5 * MSS, snd.slowStartThreshold(), "max(FlightSize / 2, 2 MSS)");
            assertEquals(8 * MSS, snd.congestionWindow(), "ssthresh + 3 MSS");
            for (int i = 0; i < 5; i++) {
                p.send(ACK, 1, 1);
            }
            assertEquals(13 * MSS, snd.congestionWindow(), "inflated by one MSS per further duplicate ACK");
            p.expectNothing();
            // The retransmission arrives: the peer now holds 0-2 and 4-9, so it acknowledges up to the hole at 3.
            long hole = 1 + 3 * MSS;
            p.send(ACK, 1, hole);
            TcpPeer.Seg next = p.expect();
            assertEquals(hole, next.seq(), "the partial ACK retransmits the next hole at once (RFC 6582 3.2 step 5)");
            assertEquals(MSS, next.payload().length);
            assertTrue(snd.inRecovery(), "a partial ACK does not end recovery");
            assertEquals(13 * MSS - 3 * MSS + MSS, snd.congestionWindow(), "deflated by the bytes acked, plus one MSS");
            p.expectNothing();
            p.send(ACK, 1, 1 + 10 * MSS);
            assertFalse(snd.inRecovery(), "the full ACK ends recovery");
            assertEquals(5 * MSS, snd.congestionWindow(), "and deflates cwnd to ssthresh");
            assertEquals(2, snd.retransmissions(), "exactly the two lost segments were sent again");
            p.expectNothing();
        }
    }
}
