package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.Checks;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpOption.Timestamps;

/**
 * RFC 7323 timestamps: the TSval clock, which TSval is echoed (TS.Recent, section 4.3), RTT samples from TSecr
 * (section 4), PAWS (section 5) with its 24-day rule, and RFC 6191's TIME-WAIT reuse.
 */
class TimestampsTest {
    private static final long MASK = 0xFFFF_FFFFL;

    /** A passive open where the peer's SYN carries TSval {@code peerTs}; returns {fd, our SYN-ACK's TSval}. */
    private static long[] open(TcpPeer p, long peerTs) {
        int l = p.listen();
        p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460), new Timestamps(peerTs, 0)), new byte[0]);
        TcpPeer.Seg synAck = p.expect(SYN | ACK, 0, 1);
        long ours = TcpPeer.timestamps(synAck)[0];
        assertEquals(peerTs, TcpPeer.timestamps(synAck)[1], "the SYN-ACK echoes the SYN's TSval");
        send(p, ACK, 1, 1, (peerTs + 1) & MASK, ours, new byte[0]);
        return new long[] {p.accept(l), ours};
    }

    private static void send(TcpPeer p, int flags, long seq, long ack, long tsVal, long tsEcr, byte[] data) {
        p.send(flags, seq, ack, p.window, List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE,
                new Timestamps(tsVal & MASK, tsEcr & MASK)), data);
    }

    private static long tsEcr(TcpPeer.Seg s) {
        return TcpPeer.timestamps(s)[1];
    }

    @Test
    void tsValTicksOncePerMillisecondOfVirtualTime() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            long[] o = open(p, 100);
            p.runMillis(1234);
            p.api.write((int) o[0], TcpPeer.bytes(10), 0, 10);
            TcpPeer.Seg d = p.expect(ACK | PSH, 1, 1);
            assertEquals(List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE,
                    new Timestamps((o[1] + 1234) & MASK, 101)), d.h().options(), "nop,nop,TS on data");
            assertEquals(32, d.h().headerLength());
        }
    }

    @Test
    void tsRecentIsTakenOnlyFromSegmentsNotAheadOfOurAck() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            long[] o = open(p, 100);
            send(p, ACK | PSH, 1, 1, 200, o[1], TcpPeer.bytes(10));
            assertEquals(200, tsEcr(p.expect(ACK, 1, 11)));
            // Out of order: SEG.SEQ > Last.ACK.sent, so its TSval is not echoed (RFC 7323 4.3 (2)).
            send(p, ACK | PSH, 21, 1, 300, o[1], TcpPeer.bytes(10));
            assertEquals(200, tsEcr(p.expect(ACK, 1, 11)));
            // The segment that fills the hole starts at Last.ACK.sent: its (older) TSval is echoed.
            send(p, ACK | PSH, 11, 1, 250, o[1], TcpPeer.bytes(10));
            assertEquals(250, tsEcr(p.expect(ACK, 1, 31)));
        }
    }

    @Test
    void tsEcrGivesAnRttSampleWhereKarnHasNone() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            long[] o = open(p, 100);
            int fd = (int) o[0];
            // The handshake's ACK echoed the SYN-ACK's TSval at once: a first sample of 0 ms, so RTO = 200 ms.
            assertEquals(200_000, p.api.tcpInfo(fd).rto(), "RTT sampled from the handshake ACK's TSecr");
            p.api.write(fd, TcpPeer.bytes(100), 0, 100);
            p.expect(ACK | PSH, 1, 1);
            TcpPeer.Seg again = p.await(Duration.ofSeconds(2), ACK | PSH, 1, 1);
            assertEquals(200, TcpPeer.timestamps(again)[0] - o[1], "retransmitted after the 200 ms RTO");
            p.runMillis(300);
            send(p, ACK, 1, 101, 500, TcpPeer.timestamps(again)[0], new byte[0]);
            // now - TSecr = 300 ms (RFC 7323 4.1); SRTT = 0 + (300 - 0) / 8 (RFC 6298 2.3).
            assertEquals(37_500, p.api.tcpInfo(fd).rtt(), "a sample from the retransmission's echo");
            assertEquals(75_000, p.api.tcpInfo(fd).rttvar());
        }
    }

    @Test
    void theSynAckEchoesOurSynAndTimesTheHandshake() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int fd = p.connect();
            long ours = TcpPeer.timestamps(p.expect(SYN, 0, 0))[0];
            p.runMillis(80);
            p.send(SYN | ACK, 0, 1, p.window, List.of(new TcpOption.Mss(1460), TcpOption.Nop.INSTANCE,
                    TcpOption.Nop.INSTANCE, new Timestamps(900, ours)), new byte[0]);
            assertEquals(900, tsEcr(p.expect(ACK, 1, 1)));
            assertEquals(80_000, p.api.tcpInfo(fd).rtt(), "now - TSecr of the SYN-ACK");
        }
    }

    @Test
    void withoutTimestampsARetransmittedSegmentGivesNoSample() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int fd = p.passiveOpen(p.listen());
            p.api.write(fd, TcpPeer.bytes(100), 0, 100);
            p.expect(ACK | PSH, 1, 1);
            p.await(Duration.ofSeconds(2), ACK | PSH, 1, 1);
            p.runMillis(300);
            p.send(ACK, 1, 101);
            assertEquals(0, p.api.tcpInfo(fd).rtt(), "Karn's algorithm (RFC 6298 3)");
        }
    }

    @Test
    void pawsDropsASegmentWithAnOldTimestampAndCountsIt() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            long[] o = open(p, 100);
            int fd = (int) o[0];
            send(p, ACK | PSH, 1, 1, 50, o[1], TcpPeer.bytes(10));
            TcpPeer.Seg ack = p.expect(ACK, 1, 1);
            assertEquals(101, tsEcr(ack), "TS.Recent unchanged");
            assertEquals(1, p.counter(Counter.TCP_PAWS_ESTAB_REJECTED));
            assertEquals(0, p.conn().readable(), "the data was dropped");
            send(p, ACK | PSH, 1, 1, 102, o[1], TcpPeer.bytes(10));
            p.expect(ACK, 1, 11);
            assertEquals(10, p.conn().readable());
            assertEquals(1, p.counter(Counter.TCP_PAWS_ESTAB_REJECTED));
            assertEquals(TcpState.ESTABLISHED, p.state());
            assertTrue(fd > 0);
        }
    }

    @Test
    void pawsComparesTimestampsModulo2To32() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            long[] o = open(p, 0xFFFF_FFF0L);
            send(p, ACK | PSH, 1, 1, 5, o[1], TcpPeer.bytes(10)); // wrapped: newer
            assertEquals(5, tsEcr(p.expect(ACK, 1, 11)));
            send(p, ACK | PSH, 11, 1, 0xFFFF_FFF8L, o[1], TcpPeer.bytes(10)); // before the wrap: older
            p.expect(ACK, 1, 11);
            assertEquals(1, p.counter(Counter.TCP_PAWS_ESTAB_REJECTED));
        }
    }

    @Test
    void aResetWithAnOldTimestampIsNotSubjectToPaws() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            long[] o = open(p, 100);
            send(p, RST, 1, 0, 50, o[1], new byte[0]);
            assertEquals(TcpState.CLOSED, p.state(), "RFC 7323 5.3 R1 applies only with the RST bit off");
            assertEquals(0, p.counter(Counter.TCP_PAWS_ESTAB_REJECTED));
        }
    }

    @Test
    void afterTwentyFourDaysIdleAnOldTimestampIsAccepted() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            long[] o = open(p, 100);
            p.run(Duration.ofDays(23));
            send(p, ACK | PSH, 1, 1, 50, o[1], TcpPeer.bytes(10));
            p.expect(ACK, 1, 1);
            assertEquals(1, p.counter(Counter.TCP_PAWS_ESTAB_REJECTED), "23 days: still rejected");
            p.run(Duration.ofDays(2));
            send(p, ACK | PSH, 1, 1, 50, o[1], TcpPeer.bytes(10));
            TcpPeer.Seg ack = p.expect(ACK, 1, 11);
            assertEquals(50, tsEcr(ack), "TS.Recent was invalid and takes the new value (RFC 7323 5.5)");
            assertEquals(1, p.counter(Counter.TCP_PAWS_ESTAB_REJECTED));
        }
    }

    /** Our side closes first and ends in TIME-WAIT with TS.Recent = 200 and RCV.NXT = 2 (relative). */
    private static void intoTimeWait(TcpPeer p) {
        long[] o = open(p, 100);
        p.api.close((int) o[0]);
        p.expect(FIN | ACK, 1, 1);
        send(p, FIN | ACK, 1, 2, 200, o[1], new byte[0]);
        p.expect(ACK, 2, 2);
        assertEquals(TcpState.TIME_WAIT, p.state());
    }

    @Test
    @Checks({"SHLD-4"})
    void aSynWithANewerTimestampReopensTimeWaitEvenWithAnOldSequenceNumber() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            intoTimeWait(p);
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460), new Timestamps(300, 0)), new byte[0]);
            TcpPeer.Seg synAck = p.expect();
            assertEquals(SYN | ACK, synAck.flags());
            assertEquals(1, synAck.ack(), "acknowledges the new SYN (RFC 6191 2)");
            assertEquals(300, tsEcr(synAck));
            assertEquals(1, p.counter(Counter.TCP_TIME_WAIT_REUSED));
            assertEquals(TcpState.SYN_RECEIVED, p.state());
        }
    }

    @Test
    void aSynWithAnOlderTimestampLeavesTimeWaitAloneEvenWithANewSequenceNumber() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            intoTimeWait(p);
            p.send(SYN, 5000, 0, p.window, List.of(new TcpOption.Mss(1460), new Timestamps(150, 0)), new byte[0]);
            p.expect(ACK, 2, 2); // Linux answers with the TIME-WAIT ACK
            assertEquals(TcpState.TIME_WAIT, p.state());
            assertEquals(0, p.counter(Counter.TCP_TIME_WAIT_REUSED));
        }
    }

    @Test
    void rfcProfileDropsTheRefusedSynSilently() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage(), TcpProfile.RFC)) {
            intoTimeWait(p);
            p.send(SYN, 5000, 0, p.window, List.of(new TcpOption.Mss(1460), new Timestamps(150, 0)), new byte[0]);
            p.expectNothing();
            assertEquals(TcpState.TIME_WAIT, p.state());
        }
    }

    @Test
    void aSynWithoutTimestampsFallsBackToTheSequenceNumberRule() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            intoTimeWait(p);
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            p.expect(ACK, 2, 2);
            assertEquals(TcpState.TIME_WAIT, p.state(), "sequence number not above RCV.NXT");
            p.send(SYN, 5000, 0, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            assertEquals(SYN | ACK, p.expect().flags());
            assertEquals(1, p.counter(Counter.TCP_TIME_WAIT_REUSED));
        }
    }

    @Test
    void twoStacksTransferWithTimestamps() {
        try (org.netstack4j.testing.TwoStacks net = org.netstack4j.testing.TwoStacks.create(null);
             StreamPair pair = new StreamPair(net)) {
            byte[] msg = TcpPeer.bytes(100_000);
            net.socketsA.write(pair.a, msg, 0, msg.length);
            assertArrayEquals(msg, pair.readFully(false, msg.length));
            assertTrue(net.socketsA.tcpInfo(pair.a).has(TcpInfo.OPT_TIMESTAMPS));
            assertEquals(0, net.a.counters().get(Counter.TCP_PAWS_ESTAB_REJECTED));
            assertEquals(0, net.b.counters().get(Counter.TCP_PAWS_ESTAB_REJECTED));
        }
    }
}
