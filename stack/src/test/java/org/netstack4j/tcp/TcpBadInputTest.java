package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.tcp.TcpState.*;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.FIN;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.Checks;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpSegment;

/**
 * Malformed segments are counted and dropped, never thrown on (the harness checks Link InInternalErrors stays
 * 0); segments for nobody are answered with RST by the rules of RFC 9293 3.10.7.1 and 3.10.7.2.
 */
class TcpBadInputTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();

    private static TcpPeer peer() {
        return new TcpPeer(COVERAGE);
    }

    /** A well-formed data segment (relative numbers as in TcpPeer) with a correct checksum, as bytes. */
    private static byte[] dataSegment(TcpPeer p, long seq, byte[] data) {
        TcpHeader h = new TcpHeader(p.peerPort, p.port, (TcpPeer.PEER_ISS + seq) & 0xFFFF_FFFFL, (p.iss + 1) & 0xFFFF_FFFFL,
                PSH | ACK, 65_535, 0, List.of());
        return TcpPeer.tcpBytes(h, data);
    }

    /** Rewrites the data-offset nibble and fixes the checksum, so only the header length is wrong. */
    private static byte[] withDataOffset(byte[] tcp, int words) {
        ByteBuf b = Unpooled.wrappedBuffer(tcp);
        TcpSegment s = new TcpSegment().wrap(b, 0, tcp.length);
        s.setHeaderLength(words * 4);
        s.fillChecksum(OneStack.PEER.bits(), OneStack.US.bits());
        return Frames.drain(b);
    }

    private static void assertNoData(TcpPeer p, int fd) {
        try {
            p.api.recv(fd, new byte[64], 0, 64, MSG_DONTWAIT);
            throw new AssertionError("data was delivered");
        } catch (ErrnoException e) {
            assertEquals(Errno.EAGAIN, e.errno());
        }
    }

    @Test
    @Checks({"MUST-3"})
    void badChecksumIsCountedAndDropped() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            byte[] seg = dataSegment(p, 1, TcpPeer.bytes(10));
            seg[16] ^= 0x01;
            p.injectTcp(seg);
            p.expectNothing();
            assertEquals(1, p.counter(Counter.TCP_IN_CSUM_ERRORS));
            assertEquals(1, p.counter(Counter.TCP_IN_ERRS));
            assertNoData(p, fd);
            // The same segment intact is taken.
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(10));
            p.expect(ACK, 1, 11);
            assertEquals(ESTABLISHED, p.state());
        }
    }

    @Test
    void dataOffsetBelowFiveIsCountedAndDropped() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.injectTcp(withDataOffset(dataSegment(p, 1, TcpPeer.bytes(10)), 4));
            p.injectTcp(withDataOffset(dataSegment(p, 1, TcpPeer.bytes(10)), 0));
            p.expectNothing();
            assertEquals(2, p.counter(Counter.TCP_IN_ERRS));
            assertEquals(0, p.counter(Counter.TCP_IN_CSUM_ERRORS));
            assertNoData(p, fd);
        }
    }

    @Test
    void dataOffsetPastTheSegmentIsCountedAndDropped() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.injectTcp(withDataOffset(dataSegment(p, 1, new byte[0]), 6)); // 24 > 20 bytes
            p.injectTcp(withDataOffset(dataSegment(p, 1, new byte[8]), 15)); // 60 > 28 bytes
            p.expectNothing();
            assertEquals(2, p.counter(Counter.TCP_IN_ERRS));
            assertNoData(p, fd);
            assertEquals(ESTABLISHED, p.state());
        }
    }

    @Test
    void truncatedSegmentIsCountedAndDropped() {
        try (TcpPeer p = peer()) {
            p.activeOpen();
            byte[] seg = dataSegment(p, 1, new byte[0]);
            byte[] cut = new byte[12];
            System.arraycopy(seg, 0, cut, 0, 12);
            p.injectTcp(cut);
            p.expectNothing();
            assertEquals(1, p.counter(Counter.TCP_IN_ERRS));
        }
    }

    @Test
    @Checks({"MUST-7"})
    void optionRunningPastTheHeaderIsCountedAndDropped() {
        try (TcpPeer p = peer()) {
            p.listen();
            // A SYN whose 24-byte header holds an option claiming 8 bytes: it runs into the data.
            byte[] data = new byte[8];
            ByteBuf b = Unpooled.buffer(32);
            TcpSegment s = new TcpSegment().wrap(b, 0, 32);
            s.setSourcePort(p.peerPort);
            s.setDestinationPort(p.port);
            s.setSequenceNumber(TcpPeer.PEER_ISS);
            s.setHeaderLength(24);
            s.setFlags(SYN);
            s.setWindow(65_535);
            b.setBytes(20, new byte[] {2, 8, 5, (byte) 180});
            b.setBytes(24, data);
            s.fillChecksum(OneStack.PEER.bits(), OneStack.US.bits());
            b.writerIndex(32);
            p.injectTcp(Frames.drain(b));
            p.expectNothing();
            assertEquals(1, p.counter(Counter.TCP_IN_ERRS));
            assertEquals(CLOSED, p.state(), "no connection from a malformed SYN");
            // A bad option length (MSS of length 3) likewise.
            ByteBuf c = Unpooled.buffer(24);
            TcpSegment t = new TcpSegment().wrap(c, 0, 24);
            t.setSourcePort(p.peerPort);
            t.setDestinationPort(p.port);
            t.setSequenceNumber(TcpPeer.PEER_ISS);
            t.setHeaderLength(24);
            t.setFlags(SYN);
            t.setWindow(65_535);
            c.setBytes(20, new byte[] {2, 3, 5, 0});
            t.fillChecksum(OneStack.PEER.bits(), OneStack.US.bits());
            c.writerIndex(24);
            p.injectTcp(Frames.drain(c));
            p.expectNothing();
            assertEquals(2, p.counter(Counter.TCP_IN_ERRS));
        }
    }

    @Test
    void synFinToAListenerIsCountedAndDropped() {
        try (TcpPeer p = peer()) {
            p.listen();
            p.send(SYN | FIN, 0, 0);
            p.expectNothing();
            assertEquals(CLOSED, p.state());
            assertEquals(1, p.counter(Counter.TCP_IN_ERRS));
            assertEquals(0, p.net.stack.tcp().listeners().get(0).halfOpenCount());
        }
    }

    @Test
    void synFinToAClosedPortIsResetCountingBothFlags() {
        try (TcpPeer p = peer()) {
            p.iss = 0;
            p.send(SYN | FIN, 0, 0);
            // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN and FIN each counting one.
            TcpPeer.Seg r = p.expect(RST | ACK, 0, 2);
            assertEquals(0, r.h().sequenceNumber());
        }
    }

    @Test
    void synFinInEstablishedDrawsAChallengeAck() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.send(SYN | FIN | ACK, 1, 1);
            p.expect(ACK, 1, 1);
            assertEquals(ESTABLISHED, p.state());
            assertEquals(1, p.counter(Counter.TCP_CHALLENGE_ACKS));
            assertNoData(p, fd);
        }
    }

    @Test
    void segmentToAClosedPortIsReset() {
        try (TcpPeer p = peer()) {
            p.iss = 0; // nothing to be relative to: absolute numbers on the stack's side
            // Without ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (RFC 9293 3.10.7.1).
            p.send(SYN, 0, 0);
            TcpPeer.Seg r = p.expect(RST | ACK, 0, 1);
            assertEquals(0, r.h().sequenceNumber());
            assertEquals(0, r.window());
            p.send(PSH, 5, 0, TcpPeer.bytes(100));
            p.expect(RST | ACK, 0, 105);
            p.send(FIN, 7, 0);
            p.expect(RST | ACK, 0, 8);
            // With ACK: <SEQ=SEG.ACK><CTL=RST>.
            p.send(ACK, 1, 123_456);
            TcpPeer.Seg r2 = p.expect(RST, 123_456, 0);
            assertEquals(0, r2.h().acknowledgmentNumber());
            p.send(PSH | ACK, 1, 99, TcpPeer.bytes(10));
            p.expect(RST, 99, 0);
            // An RST is never answered.
            p.send(RST, 1, 0);
            p.send(RST | ACK, 1, 5);
            p.expectNothing();
            assertEquals(7, p.counter(Counter.TCP_NO_LISTENER));
            assertEquals(5, p.counter(Counter.TCP_OUT_RSTS));
        }
    }

    @Test
    void ackToAListenerIsReset() {
        try (TcpPeer p = peer()) {
            p.listen();
            p.iss = 0;
            p.send(ACK, 1, 777);
            p.expect(RST, 777, 0); // RFC 9293 3.10.7.2: <SEQ=SEG.ACK><CTL=RST>
            p.send(PSH | ACK, 1, 778, TcpPeer.bytes(5));
            p.expect(RST, 778, 0);
            p.send(RST, 1, 0); // ignored
            p.send(PSH, 1, 0, TcpPeer.bytes(5)); // neither SYN nor ACK: dropped
            p.send(FIN, 1, 0);
            p.expectNothing();
            assertEquals(CLOSED, p.state());
        }
    }

    @Test
    void ackOfSomethingNeverSentIsAckedAndDropped() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.send(PSH | ACK, 1, 1000, TcpPeer.bytes(10)); // SEG.ACK > SND.NXT
            p.expect(ACK, 1, 1);
            assertNoData(p, fd);
            assertEquals(ESTABLISHED, p.state());
        }
    }

    @Test
    void unacceptableAckInSynReceivedIsReset() {
        try (TcpPeer p = peer()) {
            p.listen();
            p.send(SYN, 0, 0);
            p.expect(SYN | ACK, 0, 1);
            p.send(ACK, 1, 50);
            p.expect(RST, 50, 0); // RFC 9293 3.10.7.4 fifth, SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST>
            assertEquals(SYN_RECEIVED, p.state());
            p.send(ACK, 1, 1);
            assertEquals(ESTABLISHED, p.state());
        }
    }

    @Test
    void randomSegmentsNeverThrow() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        for (int round = 0; round < 20; round++) {
            try (TcpPeer p = peer()) {
                int l = p.listen();
                int fd = round % 2 == 0 ? p.activeOpen() : p.passiveOpen(l);
                p.api.send(fd, TcpPeer.bytes(3000), 0, 3000, 0);
                for (int i = 0; i < 200; i++) {
                    int flags = rnd.nextInt(256);
                    long seq = rnd.nextBoolean() ? rnd.nextInt(-70_000, 140_000) : rnd.nextLong(1L << 32);
                    long ack = rnd.nextBoolean() ? rnd.nextInt(-10, 4000) : rnd.nextLong(1L << 32);
                    byte[] data = rnd.nextInt(4) == 0 ? TcpPeer.bytes(rnd.nextInt(1, 1500)) : new byte[0];
                    List<org.netstack4j.wire.TcpOption> options = rnd.nextInt(8) == 0
                            ? List.of(new org.netstack4j.wire.TcpOption.Mss(rnd.nextInt(65_536))) : List.of();
                    p.send(flags, seq, ack, rnd.nextInt(65_536), options, data);
                    if (rnd.nextInt(10) == 0) {
                        p.runMillis(rnd.nextInt(1, 3000));
                    }
                    p.net.wire.discardAll();
                }
                p.run(java.time.Duration.ofMinutes(30));
                p.net.wire.discardAll();
            }
        }
    }

    @Test
    void segmentWithoutAckInEstablishedIsDropped() {
        try (TcpPeer p = peer()) {
            int fd = p.activeOpen();
            p.send(PSH, 1, 0, TcpPeer.bytes(10));
            p.expectNothing();
            assertNoData(p, fd);
        }
    }
}
