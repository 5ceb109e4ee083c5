package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.wire.TcpSegment.ACK;

import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;

/**
 * A connection's receive memory is bounded (Linux truesize, tcp_data_queue_ofo): a peer that sends one-byte
 * segments, each after a hole, gets them held only up to {@link ReceiveQueue#memoryLimit()}; the rest are dropped
 * and counted as TCPOFODrop. Without the bound the 128 KiB buffer held 15 000 frames for 15 000 bytes.
 */
class TcpReceiveMemoryTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();

    @Test
    void oneByteSegmentsAfterHolesStopAtTheMemoryLimit() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            p.passiveOpen(p.listen());
            int sent = 0;
            for (long seq = 3; seq < 30_000; seq += 2) {
                p.send(ACK, seq, 1, new byte[] {(byte) seq});
                sent++;
                if (sent % 1000 == 0) {
                    p.net.wire.discardAll(); // the stack's immediate ACKs, one per out-of-order segment
                }
            }
            p.net.wire.discardAll();
            ReceiveQueue q = p.conn().rcv.queue;
            long drops = p.net.stack.counters().get(Counter.TCP_OFO_DROP);
            assertTrue(drops > 0, "nothing dropped");
            assertEquals(sent, q.outOfOrderSegments() + drops, "each segment held or dropped");
            assertTrue(q.footprint() <= q.memoryLimit(), q.footprint() + " > " + q.memoryLimit());
            // What was held is the first segments sent, all of them, and nothing after.
            long held = q.outOfOrderSegments();
            long iss = TcpPeer.PEER_ISS;
            for (long k = 0; k < held; k++) {
                int at = (int) (iss + 3 + 2 * k);
                assertTrue(q.heldOverlap(at, at + 1) != ReceiveQueue.NO_OVERLAP, "segment " + k + " held");
            }
            int after = (int) (iss + 3 + 2 * held);
            assertEquals(ReceiveQueue.NO_OVERLAP, q.heldOverlap(after, after + 1), "the first dropped is not held");
            // Filling the first hole makes the first of them readable.
            p.send(ACK, 1, 1, new byte[] {1, 2});
            assertEquals(3, q.readable());
            assertEquals(held - 1, q.outOfOrderSegments());
        }
    }
}
