package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.netstack4j.socket.SocketConstants.IPPROTO_TCP;
import static org.netstack4j.socket.SocketConstants.TCP_NODELAY;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.SYN;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.Checks;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.IcmpHeader;
import org.netstack4j.wire.IcmpPacket;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;

/**
 * ICMP errors for TCP in virtual time: path MTU discovery from "fragmentation needed" (RFC 1191) with the
 * quoted segment validated first (RFC 5927), and the other errors as Linux reacts to them (RFC 1122 4.2.3.9).
 */
class TcpIcmpTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final long MASK = 0xFFFF_FFFFL;

    /**
     * An ICMP error from a router about a segment we sent: the quote is that segment's IPv4 header ({@code
     * sentLength} bytes long in all) and its first 8 bytes (ports and sequence number, relative to our ISS).
     */
    private static void icmp(TcpPeer p, int type, int code, int nextHopMtu, long relativeSeq, int sentLength) {
        ByteBuf quote = Unpooled.buffer(28);
        new Ipv4Header(0, sentLength, 7, true, false, 0, 63, Ipv4Packet.PROTO_TCP, OneStack.US, OneStack.PEER,
                Bytes.EMPTY).emit(quote, 0);
        quote.setShort(20, p.port);
        quote.setShort(22, p.peerPort);
        quote.setInt(24, (int) ((p.iss + relativeSeq) & MASK));
        quote.writerIndex(28);
        byte[] msg = Frames.icmp(new IcmpHeader(type, code, nextHopMtu), Frames.drain(quote));
        Ipv4Header ip = Ipv4Header.of(Ipv4Packet.PROTO_ICMP, OneStack.PEER, OneStack.US, msg.length, 64, 9);
        p.net.inject(Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC, ip, msg));
    }

    private static void fragNeeded(TcpPeer p, int mtu, long relativeSeq) {
        icmp(p, IcmpPacket.TYPE_DEST_UNREACHABLE, IcmpPacket.CODE_FRAGMENTATION_NEEDED, mtu, relativeSeq, 1500);
    }

    /** Takes the next frame: asserts DF is set, returns the TCP segment. */
    private static TcpPeer.Seg expectWithDf(TcpPeer p) {
        p.run(Duration.ZERO);
        ByteBuf f = p.net.wire.take();
        if (f == null) {
            fail("expected a segment");
        }
        Ipv4Packet ip = new Ipv4Packet().wrap(f, EthernetFrame.HEADER_LENGTH,
                f.readableBytes() - EthernetFrame.HEADER_LENGTH);
        assertTrue(ip.dontFragment(), "TCP segments carry DF (RFC 1191 3)");
        return p.parse(f);
    }

    /** Established, with three full segments (1..4381) sent and not acknowledged. */
    private static int sendThreeSegments(TcpPeer p) {
        int fd = p.activeOpen();
        p.api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
        p.api.send(fd, TcpPeer.bytes(3 * 1460), 0, 3 * 1460, 0);
        for (int i = 0; i < 3; i++) {
            TcpPeer.Seg s = expectWithDf(p);
            assertEquals(1 + 1460L * i, s.seq());
            assertEquals(1460, s.payload().length);
        }
        return fd;
    }

    @Test
    @Checks({"MUST-54", "SHLD-6"})
    void fragmentationNeededLowersTheMssAndResendsInSmallerSegments() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = sendThreeSegments(p);
            int cwnd = p.conn().sender().congestionWindow();
            fragNeeded(p, 1280, 1);
            assertEquals(1240, p.conn().sender().mss());
            long seq = 1;
            while (seq < 4381) {
                TcpPeer.Seg s = expectWithDf(p);
                assertEquals(seq, s.seq(), "resent in order from SND.UNA at once");
                assertTrue(s.payload().length <= 1240);
                seq += s.payload().length;
            }
            p.expectNothing();
            assertEquals(cwnd, p.conn().sender().congestionWindow(), "no congestion response");
            p.send(ACK, 1, 4381);
            p.expectNothing();
            // A later message that does not lower the path changes nothing.
            p.api.send(fd, TcpPeer.bytes(100), 0, 100, 0);
            expectWithDf(p);
            fragNeeded(p, 1400, 4381);
            p.expectNothing();
            assertEquals(1240, p.conn().sender().mss());
        }
    }

    @Test
    @Checks({"MUST-54"})
    void forgedErrorWithAQuotedSequenceOutsideTheFlightIsIgnored() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            sendThreeSegments(p);
            fragNeeded(p, 576, 4381); // SND.NXT: never sent
            fragNeeded(p, 576, 0); // before SND.UNA (the SYN, acknowledged)
            fragNeeded(p, 576, 1_000_000);
            icmp(p, IcmpPacket.TYPE_DEST_UNREACHABLE, IcmpPacket.CODE_PORT_UNREACHABLE, 0, 1_000_000, 1500);
            p.expectNothing();
            assertEquals(1460, p.conn().sender().mss());
            assertEquals(4, p.counter(Counter.TCP_OUT_OF_WINDOW_ICMPS));
            assertEquals(null, p.conn().softError);
            // Another four-tuple: ignored without a count.
            p.peerPort++;
            fragNeeded(p, 576, 1);
            p.peerPort--;
            assertEquals(1460, p.conn().sender().mss());
            assertEquals(4, p.counter(Counter.TCP_OUT_OF_WINDOW_ICMPS));
        }
    }

    @Test
    void theFloorIsPerProfileAndOldRoutersGetThePlateau() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            sendThreeSegments(p);
            fragNeeded(p, 100, 1);
            assertEquals(552 - 40, p.conn().sender().mss(), "linux: min_pmtu 552");
            p.net.wire.discardAll();
        }
        try (TcpPeer p = new TcpPeer(COVERAGE, TcpProfile.RFC)) {
            sendThreeSegments(p);
            fragNeeded(p, 100, 1);
            assertEquals(100 - 40, p.conn().sender().mss());
            p.net.wire.discardAll();
        }
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            sendThreeSegments(p);
            fragNeeded(p, 0, 1); // RFC 1191 5: no next-hop MTU; the plateau below 1500 is 1492
            assertEquals(1492 - 40, p.conn().sender().mss());
            p.net.wire.discardAll();
        }
    }

    @Test
    void theLearntPathMtuAppliesToNewConnectionsUntilItExpires() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = sendThreeSegments(p);
            fragNeeded(p, 1000, 1);
            p.net.wire.discardAll();
            p.send(org.netstack4j.wire.TcpSegment.RST, 1, 0);
            assertEquals(TcpState.CLOSED, p.state());
            p.api.close(fd);
            p.net.wire.discardAll();
            p.run(Duration.ofMinutes(5));
            p.net.wire.discardAll();
            p.iss = -1;
            p.peerPort = 40_001;
            p.connect();
            p.expect(SYN, 0, 0);
            p.send(SYN | ACK, 0, 1, p.window, java.util.List.of(new org.netstack4j.wire.TcpOption.Mss(1460)),
                    new byte[0]);
            p.expect(ACK, 1, 1);
            assertEquals(960, p.conn().sender().mss(), "the path MTU of 1000 is remembered");
            p.run(Duration.ofMinutes(6));
            p.net.wire.discardAll();
            assertEquals(1460, p.net.stack.tcp().pathMss(OneStack.PEER.bits()), "forgotten after 10 minutes");
        }
    }

    @Test
    void portUnreachableRefusesAConnectInSynSent() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = p.connect();
            p.expect(SYN, 0, 0);
            icmp(p, IcmpPacket.TYPE_DEST_UNREACHABLE, IcmpPacket.CODE_PORT_UNREACHABLE, 0, 0, 44);
            p.expectNothing();
            assertEquals(TcpState.CLOSED, p.state());
            try {
                p.api.connect(fd, new SockAddrIn(OneStack.PEER, TcpPeer.PEER_PORT));
                fail("connect succeeded");
            } catch (ErrnoException e) {
                assertEquals(Errno.ECONNREFUSED, e.errno());
            }
        }
    }

    @Test
    @Checks({"MUST-56"})
    void errorsOnAnEstablishedConnectionAreSoftAndReportedOnTimeout() {
        try (TcpPeer p = new TcpPeer(COVERAGE)) {
            int fd = p.activeOpen();
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            p.expect(PSH | ACK, 1, 1);
            icmp(p, IcmpPacket.TYPE_DEST_UNREACHABLE, IcmpPacket.CODE_PORT_UNREACHABLE, 0, 1, 50);
            icmp(p, IcmpPacket.TYPE_DEST_UNREACHABLE, IcmpPacket.CODE_HOST_UNREACHABLE, 0, 1, 50);
            p.expectNothing();
            assertEquals(TcpState.ESTABLISHED, p.state(), "RFC 1122 4.2.3.9: no abort");
            assertTrue(p.net.sim.runUntil(() -> p.state() == TcpState.CLOSED, Duration.ofHours(1)));
            p.net.wire.discardAll();
            try {
                p.api.send(fd, TcpPeer.bytes(1), 0, 1, 0);
                fail("send succeeded");
            } catch (ErrnoException e) {
                assertEquals(Errno.EHOSTUNREACH, e.errno(), "the soft error instead of ETIMEDOUT");
            }
        }
    }

    @Test
    void pathMtuCacheOnlyLowersAndExpires() {
        PathMtu cache = new PathMtu(1500, 552);
        assertEquals(1500, cache.get(1, 0));
        assertEquals(1400, cache.lower(1, 1400, 1500, 0));
        assertEquals(-1, cache.lower(1, 1450, 1500, 1), "never raised by a message");
        assertEquals(1400, cache.get(1, 1));
        assertEquals(1500, cache.get(2, 1), "per destination");
        assertEquals(1006, cache.lower(1, 0, 1400, 2), "plateau below the quoted length (RFC 1191 7)");
        assertEquals(552, cache.lower(1, 68, 1006, 3), "the floor");
        assertEquals(-1, cache.lower(1, 68, 552, 4));
        assertEquals(1500, cache.get(1, 3 + PathMtu.EXPIRY_NANOS));
    }
}
