package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;

/**
 * SND.RECOVER (RFC 6582 3.2) does not go stale: once SND.UNA has passed it, it follows SND.UNA on every ACK of
 * new data. Left at ISS (or at the last recovery's HighData), it would look ahead again in wrap-around arithmetic
 * 2^31 bytes later and block fast recovery for the next 2^31 bytes, leaving every loss to the RTO.
 */
class TcpRecoveryPointTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int MSS = TcpPeer.PEER_MSS;

    @Test
    void theRecoveryPointFollowsSndUnaOutsideRecovery() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = TcpRackTest.openWithSack(p);
            TcpSender snd = p.conn().sender();
            TcpRackTest.sendSegments(p, fd, 4);
            TcpRackTest.sack(p, 2);
            assertEquals(snd.una, snd.recover, "after an ACK of new data outside recovery");
            // A loss: segment 2 missing, 3 SACKed, then more data so that three segments are SACKed above it.
            p.api.send(fd, TcpPeer.bytes(4 * MSS), 0, 4 * MSS, 0);
            while (p.net.wire.pending() > 0) {
                p.expect();
            }
            int highData = snd.max;
            TcpRackTest.sack(p, 2, new int[] {3, 6});
            assertEquals(1, p.counter(Counter.TCP_SACK_RECOVERY), "fast recovery started");
            assertEquals(highData, snd.recover, "HighData while recovering (RFC 6582 3.2 step 4)");
            TcpRackTest.sack(p, 6);
            assertEquals(highData, snd.recover, "a partial ACK leaves it");
            TcpRackTest.sack(p, 8);
            assertTrue(!snd.inRecovery, "recovery ended at HighData");
            TcpRackTest.sack(p, 8);
            p.api.send(fd, TcpPeer.bytes(MSS), 0, MSS, 0);
            while (p.net.wire.pending() > 0) {
                p.expect();
            }
            TcpRackTest.sack(p, 9);
            assertEquals(snd.una, snd.recover, "follows SND.UNA again once recovery is over");
        }
    }
}
