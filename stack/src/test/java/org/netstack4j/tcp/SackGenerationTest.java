package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.stats.Counter;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpOption.Timestamps;

/**
 * SACK blocks the receiver generates (RFC 2018 4): one per contiguous run of out-of-order data, the run holding
 * the latest segment first, then the others most recent first, as many as fit (3 beside timestamps, 4 without);
 * and D-SACKs for duplicates (RFC 2883). Segments are 100 bytes; segment k covers [1 + 100k, 101 + 100k).
 */
class SackGenerationTest {
    private static final int SEG = 100;

    /** Passive open with SACK-permitted, and timestamps when {@code ts}. */
    private static void open(TcpPeer p, boolean ts, boolean sack) {
        int l = p.listen();
        List<TcpOption> offer = new ArrayList<>(List.of(new TcpOption.Mss(1460)));
        if (sack) {
            offer.add(TcpOption.SackPermitted.INSTANCE);
        }
        if (ts) {
            offer.add(new Timestamps(1, 0));
        }
        p.send(SYN, 0, 0, p.window, offer, new byte[0]);
        p.expect(SYN | ACK, 0, 1);
        send(p, ts, ACK, 1, new byte[0]);
        p.accept(l);
        assertEquals(sack, p.conn().sackPermitted());
        assertEquals(ts, p.conn().timestamps());
    }

    private static void send(TcpPeer p, boolean ts, int flags, long seq, byte[] data) {
        // TSval 1 throughout: equal values pass PAWS, so timestamps play no part here beyond taking room.
        p.send(flags, seq, 1, p.window, ts ? List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE,
                new Timestamps(1, 0)) : List.of(), data);
    }

    /** Sends segment {@code k} and returns the stack's ACK, which must acknowledge {@code ack}. */
    private static TcpPeer.Seg segment(TcpPeer p, boolean ts, int k, long ack) {
        send(p, ts, ACK | PSH, 1 + (long) SEG * k, TcpPeer.bytes(SEG));
        return p.expect(ACK, 1, ack);
    }

    private static String block(int firstSeg, int endSeg) {
        return (1 + SEG * firstSeg) + "-" + (1 + SEG * endSeg);
    }

    @ParameterizedTest(name = "timestamps {0}")
    @ValueSource(booleans = {true, false})
    void oneHole(boolean ts) {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, ts, true);
            TcpPeer.Seg ack = segment(p, ts, 1, 1);
            assertEquals(List.of(block(1, 2)), TcpPeer.sackBlocks(ack));
            List<TcpOption> o = ack.h().options();
            int sackAt = ts ? 5 : 2;
            assertEquals(TcpOption.Nop.INSTANCE, o.get(sackAt - 2), "nop,nop before SACK: " + o);
            assertEquals(TcpOption.Nop.INSTANCE, o.get(sackAt - 1));
            assertTrue(o.get(sackAt) instanceof TcpOption.Sack);
            // The hole fills: RCV.NXT jumps over both segments and no SACK is left to report.
            TcpPeer.Seg full = segment(p, ts, 0, 201);
            assertEquals(List.of(), TcpPeer.sackBlocks(full));
        }
    }

    @ParameterizedTest(name = "timestamps {0}")
    @ValueSource(booleans = {true, false})
    void twoAndThreeHolesMostRecentFirst(boolean ts) {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, ts, true);
            segment(p, ts, 1, 1);
            assertEquals(List.of(block(3, 4), block(1, 2)), TcpPeer.sackBlocks(segment(p, ts, 3, 1)));
            assertEquals(List.of(block(5, 6), block(3, 4), block(1, 2)), TcpPeer.sackBlocks(segment(p, ts, 5, 1)));
        }
    }

    @Test
    void fourHolesBesideTimestampsReportTheThreeMostRecent() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, true, true);
            for (int k = 1; k <= 5; k += 2) {
                segment(p, true, k, 1);
            }
            TcpPeer.Seg ack = segment(p, true, 7, 1);
            assertEquals(List.of(block(7, 8), block(5, 6), block(3, 4)), TcpPeer.sackBlocks(ack));
            assertEquals(60, ack.h().headerLength(), "12 bytes of timestamps + 28 of SACK fill the 40");
        }
    }

    @Test
    void withoutTimestampsFourBlocksFitAndNoMore() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, false, true);
            for (int k = 1; k <= 5; k += 2) {
                segment(p, false, k, 1);
            }
            assertEquals(List.of(block(7, 8), block(5, 6), block(3, 4), block(1, 2)),
                    TcpPeer.sackBlocks(segment(p, false, 7, 1)));
            TcpPeer.Seg ack = segment(p, false, 9, 1);
            assertEquals(List.of(block(9, 10), block(7, 8), block(5, 6), block(3, 4)), TcpPeer.sackBlocks(ack));
            assertEquals(56, ack.h().headerLength());
        }
    }

    @Test
    void theBlockThatGrewComesFirstAndMergedBlocksAreOne() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, true, true);
            segment(p, true, 1, 1);
            segment(p, true, 3, 1);
            segment(p, true, 5, 1);
            // Segment 2 joins [1] and [3] into one run, which holds the latest arrival.
            assertEquals(List.of(block(1, 4), block(5, 6)), TcpPeer.sackBlocks(segment(p, true, 2, 1)));
            // Segment 6 extends [5]: that run comes first again.
            assertEquals(List.of(block(5, 7), block(1, 4)), TcpPeer.sackBlocks(segment(p, true, 6, 1)));
            // Segment 0 fills the first hole: RCV.NXT moves to the end of [1, 4), one block remains.
            assertEquals(List.of(block(5, 7)), TcpPeer.sackBlocks(segment(p, true, 0, 401)));
            assertEquals(List.of(), TcpPeer.sackBlocks(segment(p, true, 4, 701)));
        }
    }

    @Test
    void aDuplicateBelowTheAckIsReportedOnceAsADsack() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, true, true);
            segment(p, true, 0, 101);
            TcpPeer.Seg dup = segment(p, true, 0, 101);
            assertEquals(List.of(block(0, 1)), TcpPeer.sackBlocks(dup), "D-SACK below the ACK (RFC 2883 4.1.1)");
            assertEquals(1, p.counter(Counter.TCP_DSACK_OLD_SENT));
            assertEquals(List.of(), TcpPeer.sackBlocks(segment(p, true, 1, 201)), "reported once");
        }
    }

    @Test
    void aPartlyDuplicateSegmentReportsTheDuplicatePart() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, true, true);
            segment(p, true, 0, 101);
            send(p, true, ACK | PSH, 51, TcpPeer.bytes(SEG));
            TcpPeer.Seg ack = p.expect(ACK, 1, 151);
            assertEquals(List.of("51-101"), TcpPeer.sackBlocks(ack));
        }
    }

    @Test
    void aDuplicateOfHeldDataIsReportedWithTheBlockHoldingIt() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, true, true);
            segment(p, true, 2, 1);
            segment(p, true, 3, 1);
            segment(p, true, 5, 1);
            TcpPeer.Seg ack = segment(p, true, 2, 1);
            // RFC 2883 4.1.2: the D-SACK first, then the block it lies in, then the others.
            assertEquals(List.of(block(2, 3), block(2, 4), block(5, 6)), TcpPeer.sackBlocks(ack));
            assertEquals(1, p.counter(Counter.TCP_DSACK_OFO_SENT));
            assertEquals(0, p.counter(Counter.TCP_DSACK_OLD_SENT));
        }
    }

    @Test
    void withoutSackPermittedNoBlocksAreSent() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            open(p, true, false);
            assertEquals(List.of(), TcpPeer.sackBlocks(segment(p, true, 1, 1)));
            assertEquals(List.of(), TcpPeer.sackBlocks(segment(p, true, 1, 1)));
            segment(p, true, 0, 201);
            assertEquals(List.of(), TcpPeer.sackBlocks(segment(p, true, 0, 201)), "no D-SACK either");
            assertEquals(0, p.counter(Counter.TCP_DSACK_OLD_SENT));
            assertFalse(p.conn().sackPermitted());
        }
    }
}
