package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.PSH;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpSegment;

/**
 * ACK coalescing per batch of received frames ({@link TcpLayer#setAckCoalescing}), as the event loop runs the
 * linux profile: the in-order segments of one batch get one ACK when the batch is done (as Linux acknowledges a
 * GRO aggregate), at most 64 KiB of data per ACK; out-of-order data is still acknowledged segment by segment.
 * A batch here is what is injected before the simulation runs (the stack then polls, as the loop does).
 */
class TcpAckCoalescingTest {
    private static final int MSS = TcpPeer.PEER_MSS;

    private static TcpPeer coalescing(boolean on) {
        TcpPeer p = new TcpPeer(new TransitionCoverage());
        p.net.stack.tcp().setAckCoalescing(on);
        return p;
    }

    /** Everything the stack sent by now. */
    private static List<TcpPeer.Seg> drain(TcpPeer p) {
        p.run(java.time.Duration.ZERO);
        List<TcpPeer.Seg> out = new ArrayList<>();
        while (p.net.wire.pending() > 0) {
            out.add(p.expect());
        }
        return out;
    }

    private static void sendInOrder(TcpPeer p, int fromSegment, int count) {
        for (int i = 0; i < count; i++) {
            p.send(ACK, 1 + (long) (fromSegment + i) * MSS, 1, TcpPeer.bytes(MSS));
        }
    }

    @Test
    void aBatchOfInOrderSegmentsIsAcknowledgedOnceWhenTheBatchIsDone() {
        try (TcpPeer p = coalescing(true)) {
            p.activeOpen();
            sendInOrder(p, 0, 10);
            List<TcpPeer.Seg> acks = drain(p);
            assertEquals(1, acks.size(), acks.toString());
            assertEquals(1 + 10L * MSS, acks.get(0).ack());
            assertEquals(ACK, acks.get(0).flags());
        }
    }

    @Test
    void withoutCoalescingEverySegmentOfTheQuickAckPhaseIsAcknowledged() {
        try (TcpPeer p = coalescing(false)) {
            p.activeOpen();
            sendInOrder(p, 0, 10);
            List<TcpPeer.Seg> acks = drain(p);
            assertEquals(10, acks.size(), acks.toString());
            for (int i = 0; i < 10; i++) {
                assertEquals(1 + (i + 1L) * MSS, acks.get(i).ack());
            }
        }
    }

    @Test
    void oneAckCoversAtMost64KiB() {
        try (TcpPeer p = coalescing(true)) {
            // An active open where the peer scales its window, so that more than 64 KiB may be in flight.
            int fd = p.connect();
            p.expect();
            p.send(TcpSegment.SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(MSS), new TcpOption.WindowScale(7)),
                    new byte[0]);
            p.expect(ACK, 1, 1);
            sendInOrder(p, 0, 60); // 87 600 bytes, within the stack's 128 KiB window
            List<TcpPeer.Seg> acks = drain(p);
            assertEquals(2, acks.size(), acks.toString());
            // The first goes out once 64 KiB or more would wait (45 segments), the second ends the batch.
            assertEquals(1 + 45L * MSS, acks.get(0).ack());
            assertEquals(1 + 60L * MSS, acks.get(1).ack());
            p.api.close(fd);
        }
    }

    @Test
    void outOfOrderSegmentsAreStillAcknowledgedOneByOne() {
        try (TcpPeer p = coalescing(true)) {
            p.activeOpen();
            sendInOrder(p, 0, 2);
            sendInOrder(p, 3, 3); // segment 2 is missing: three duplicate ACKs for the sender's fast retransmit
            List<TcpPeer.Seg> acks = drain(p);
            // The in-order pair's ACK, held for the batch end, went out with the first duplicate ACK.
            assertEquals(3, acks.size(), acks.toString());
            for (TcpPeer.Seg dup : acks) {
                assertEquals(1 + 2L * MSS, dup.ack(), "every ACK stops at the hole: " + acks);
            }
            sendInOrder(p, 2, 1); // the hole is filled: acknowledged at once, up to the end
            List<TcpPeer.Seg> after = drain(p);
            assertEquals(1, after.size(), after.toString());
            assertEquals(1 + 6L * MSS, after.get(0).ack());
        }
    }

    @Test
    void aReplyWrittenBeforeTheBatchEndsCarriesTheAckAndTheWindowUpdate() {
        try (TcpPeer p = coalescing(true)) {
            int fd = p.activeOpen();
            sendInOrder(p, 0, 2);
            // The application reads and answers within the same batch (as a stream handler does).
            byte[] buf = new byte[2 * MSS];
            p.api.recv(fd, buf, 0, buf.length, MSG_DONTWAIT);
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            List<TcpPeer.Seg> out = drain(p);
            assertEquals(1, out.size(), "the reply carries the ACK, no pure ACK: " + out);
            assertEquals(PSH | ACK, out.get(0).flags());
            assertEquals(1 + 2L * MSS, out.get(0).ack());
        }
    }
}
