package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.CWR;
import static org.netstack4j.wire.TcpSegment.ECE;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.TcpOption;

/**
 * SYN cookies with timestamps in virtual time (Linux cookie_init_timestamp / cookie_timestamp_decode): the cookie
 * SYN,ACK agrees to window scaling, SACK and ECN when the SYN carried timestamps, its TSval's clock part ends in
 * those options, and the connection the returning ACK creates uses them: the peer's windows are scaled, a hole
 * draws SACK blocks, CE draws ECE. Without timestamps the cookie connection has none of them. A TSecr with other
 * option bits, from another time slot or missing fails the cookie.
 */
class TcpSynCookieOptionsTest {
    private static final int PORT = 42_000;
    private static final long PEER_TS = 5_000;
    /** Linux's shift for its 6 MiB tcp_rmem[2]: what our SYN,ACK offers. */
    private static final int OUR_SHIFT = 7;

    /** What the peer's SYN offers: timestamps, SACK, its window shift (-1: none), ECN (an ECN-setup SYN). */
    private record Offer(boolean timestamps, boolean sack, int wscale, boolean ecn) {
        List<TcpOption> options() {
            List<TcpOption> o = new ArrayList<>(List.of(new TcpOption.Mss(1460)));
            if (sack) {
                o.add(TcpOption.SackPermitted.INSTANCE);
            }
            if (timestamps) {
                o.add(new TcpOption.Timestamps(PEER_TS, 0));
            }
            if (wscale >= 0) {
                o.add(TcpOption.Nop.INSTANCE);
                o.add(new TcpOption.WindowScale(wscale));
            }
            return o;
        }
    }

    private static TcpPeer peer(int ecnMode) {
        return new TcpPeer(TcpSynCookiesTest.COVERAGE,
                TcpProfile.LINUX.withRobustness(TcpRobustness.LINUX.withSynCookies(1).withEcn(ecnMode)));
    }

    /** A listening socket whose half-open queue is full, and the cookie SYN,ACK it answered a SYN with. */
    private record CookieSynAck(int listenFd, TcpPeer.Seg synAck) {
        long tsVal() {
            return TcpPeer.timestamps(synAck)[0];
        }
    }

    /** Listens, fills the half-open queue, then sends {@code offer}'s SYN from {@link #PORT}. */
    private static CookieSynAck cookieSyn(TcpPeer p, Offer offer) {
        int l = TcpSynCookiesTest.listen(p);
        TcpSynCookiesTest.fillHalfOpenQueue(p);
        p.peerPort = PORT;
        p.iss = -1;
        p.send(SYN | (offer.ecn ? ECE | CWR : 0), 0, 0, p.window, offer.options(), new byte[0]);
        TcpPeer.Seg synAck = p.expect();
        assertEquals(1, p.counter(Counter.TCP_SYNCOOKIES_SENT), "answered with a cookie");
        assertNull(TcpSynCookiesTest.connectionFrom(p, PORT), "no state kept");
        return new CookieSynAck(l, synAck);
    }

    /** Our timestamp clock's offset for the cookie connection's four-tuple (RFC 7323 7.1). */
    private static int tsOffset(TcpPeer p) {
        return p.net.stack.tcp().timestampOffset(OneStack.US.bits(), TcpPeer.PORT, OneStack.PEER.bits(), PORT);
    }

    /** The ACK returning the cookie, with window field {@code window} and TSecr {@code tsEcr} (null: no TSopt). */
    private static void returnCookie(TcpPeer p, int window, Long tsEcr) {
        p.send(ACK, 1, 1, window, tsEcr == null ? List.of()
                : List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE,
                new TcpOption.Timestamps(PEER_TS + 1, tsEcr)), new byte[0]);
    }

    /** Data from the peer at relative {@code seq}, with timestamps when {@code tsEcr} is not null. */
    private static void data(TcpPeer p, long seq, int len, Long tsEcr) {
        p.send(PSH | ACK, seq, 1, 1000, tsEcr == null ? List.of()
                : List.of(TcpOption.Nop.INSTANCE, TcpOption.Nop.INSTANCE,
                new TcpOption.Timestamps(PEER_TS + 2, tsEcr)), TcpPeer.bytes(len));
    }

    private static TcpConnection cookieConnection(TcpPeer p) {
        TcpConnection c = TcpSynCookiesTest.connectionFrom(p, PORT);
        assertNotNull(c, "the cookie's ACK created the connection");
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1, p.counter(Counter.TCP_SYNCOOKIES_RECV));
        return c;
    }

    /** The next segment with the ECN field of its IPv4 header. */
    private record Marked(TcpPeer.Seg seg, int ecnField) {
    }

    private static Marked take(TcpPeer p) {
        p.run(Duration.ZERO);
        ByteBuf f = p.net.wire.take();
        if (f == null) {
            fail("expected a segment");
        }
        int field = new Ipv4Packet().wrap(f, EthernetFrame.HEADER_LENGTH,
                f.readableBytes() - EthernetFrame.HEADER_LENGTH).tos() & 3;
        return new Marked(p.parse(f), field);
    }

    @Test
    void withTimestampsTheCookieConnectionScalesSacksAndUsesEcn() {
        try (TcpPeer p = peer(2)) {
            CookieSynAck cookie = cookieSyn(p, new Offer(true, true, 9, true));
            assertEquals("S.E", TcpPeer.flagString(cookie.synAck().flags()), "RFC 3168 6.1.1: ECN accepted");
            assertEquals(List.of(new TcpOption.Mss(1460), TcpOption.SackPermitted.INSTANCE,
                    new TcpOption.Timestamps(cookie.tsVal(), PEER_TS), TcpOption.Nop.INSTANCE,
                    new TcpOption.WindowScale(OUR_SHIFT)), cookie.synAck().h().options(),
                    "what a stateful SYN,ACK agrees to");
            long tsVal = cookie.tsVal();
            int clock = (int) tsVal - tsOffset(p);
            assertEquals(9 | 1 << 4 | 1 << 5, clock & 63, "Linux layout: shift 9, SACK, ECN");
            int behind = (int) (p.now() / 1_000_000L) - clock;
            assertTrue(behind >= 0 && behind < 64, "at most 63 ms behind our clock, never ahead: " + behind);

            p.runMillis(200);
            p.net.wire.discardAll(); // the queued handshakes' SYN,ACK retransmissions
            returnCookie(p, 1000, tsVal);
            p.expectNothing();
            TcpConnection c = cookieConnection(p);
            assertTrue(c.timestamps);
            assertTrue(c.sackPermitted());
            assertTrue(c.ecn.ok);
            assertEquals(1460 - 12, c.sender().mss(), "the cookie's MSS less the timestamps (RFC 6691)");
            assertEquals(9, c.snd.wscale);
            assertEquals(1000 << 9, c.snd.wnd, "the peer's window field is shifted by its 9 (RFC 7323 2.3)");
            int fd = p.accept(cookie.listenFd());

            // A hole: the ACK reports the data above it in a SACK block (RFC 2018 4), with a scaled window.
            data(p, 101, 100, tsVal);
            TcpPeer.Seg sack = p.expect(ACK, 1, 1);
            assertEquals(List.of("101-201"), TcpPeer.sackBlocks(sack));
            assertEquals(c.rcv.offered() >>> OUR_SHIFT, sack.window(), "our window is shifted by our 7");
            assertTrue(c.rcv.offered() > 65_535, "and larger than an unscaled field could say");
            // CE on the data filling the hole: the ACK echoes it (RFC 3168 6.1.3).
            p.tos = Ecn.CE;
            data(p, 1, 100, tsVal);
            p.tos = 0;
            TcpPeer.Seg ece = p.expect(ACK | ECE, 1, 201);
            assertEquals(List.of(), TcpPeer.sackBlocks(ece));
            // Our new data is ECN-capable (RFC 3168 6.1.2).
            p.api.send(fd, TcpPeer.bytes(10), 0, 10, 0);
            Marked d = take(p);
            assertEquals(10, d.seg().payload().length);
            assertEquals(Ecn.ECT_0, d.ecnField());
            p.api.close(cookie.listenFd());
            p.net.wire.discardAll();
        }
    }

    @Test
    void withoutTimestampsTheCookieConnectionHasNoScalingSackOrEcn() {
        try (TcpPeer p = peer(2)) {
            CookieSynAck cookie = cookieSyn(p, new Offer(false, true, 9, true));
            assertEquals("S.", TcpPeer.flagString(cookie.synAck().flags()), "no ECN: the cookie could not remember it");
            assertEquals(List.of(new TcpOption.Mss(1460)), cookie.synAck().h().options(), "MSS only");
            returnCookie(p, 1000, null);
            p.expectNothing();
            TcpConnection c = cookieConnection(p);
            assertFalse(c.timestamps);
            assertFalse(c.sackPermitted());
            assertFalse(c.ecn.ok);
            assertFalse(c.rcv.wscaleOk);
            assertEquals(1460, c.sender().mss());
            assertEquals(1000, c.snd.wnd, "the peer's window is not scaled");
            data(p, 101, 100, null);
            TcpPeer.Seg ack = p.expect(ACK, 1, 1);
            assertEquals(List.of(), TcpPeer.sackBlocks(ack), "no SACK blocks");
            assertEquals(65_535, ack.window(), "an unscaled window field");
            p.api.close(cookie.listenFd());
            p.net.wire.discardAll();
        }
    }

    /** Every combination of what the peer offers with timestamps, against tcp_ecn 0 (off) and 2 (accept). */
    @Test
    void eachCombinationOfOffersIsRememberedThroughTheTimestamp() {
        for (boolean sack : new boolean[] {false, true}) {
            for (int wscale : new int[] {-1, 0, 9, 14, 15}) {
                for (boolean ecn : new boolean[] {false, true}) {
                    for (int ecnMode : new int[] {0, 2}) {
                        String what = "sack " + sack + " wscale " + wscale + " ecn " + ecn + " tcp_ecn " + ecnMode;
                        try (TcpPeer p = peer(ecnMode)) {
                            CookieSynAck cookie = cookieSyn(p, new Offer(true, sack, wscale, ecn));
                            boolean ecnOk = ecn && ecnMode != 0;
                            assertEquals(ecnOk ? "S.E" : "S.", TcpPeer.flagString(cookie.synAck().flags()), what);
                            assertEquals(wscale >= 0 ? OUR_SHIFT : -1, TcpPeer.wscale(cookie.synAck()), what);
                            assertEquals(sack, cookie.synAck().h().options()
                                    .contains(TcpOption.SackPermitted.INSTANCE), what);
                            long tsVal = cookie.tsVal();
                            int peerShift = Math.min(wscale, 14); // RFC 7323 2.3
                            int bits = (wscale < 0 ? 0xF : peerShift) | (sack ? 0x10 : 0) | (ecnOk ? 0x20 : 0);
                            assertEquals(bits, ((int) tsVal - tsOffset(p)) & 63, what);
                            returnCookie(p, 1000, tsVal);
                            p.expectNothing();
                            TcpConnection c = cookieConnection(p);
                            assertTrue(c.timestamps, what);
                            assertEquals(sack, c.sackPermitted(), what);
                            assertEquals(ecnOk, c.ecn.ok, what);
                            assertEquals(wscale >= 0, c.rcv.wscaleOk, what);
                            assertEquals(wscale >= 0 ? 1000 << peerShift : 1000, c.snd.wnd, what);
                            p.api.close(cookie.listenFd());
                            p.net.wire.discardAll();
                        }
                    }
                }
            }
        }
    }

    @Test
    void optionsWeDoNotUseAreNotAgreedTo() {
        try (TcpPeer p = peer(2)) {
            p.net.stack.tcp().setOptionsOffered(true, false, false); // tcp_sack=0, tcp_window_scaling=0
            CookieSynAck cookie = cookieSyn(p, new Offer(true, true, 9, false));
            assertEquals(-1, TcpPeer.wscale(cookie.synAck()));
            assertFalse(cookie.synAck().h().options().contains(TcpOption.SackPermitted.INSTANCE));
            long tsVal = cookie.tsVal();
            assertEquals(0xF, ((int) tsVal - tsOffset(p)) & 63, "no window scaling, no SACK, no ECN");
            returnCookie(p, 1000, tsVal);
            TcpConnection c = cookieConnection(p);
            assertFalse(c.sackPermitted());
            assertFalse(c.rcv.wscaleOk);
            assertEquals(1000, c.snd.wnd);
            p.api.close(cookie.listenFd());
            p.net.wire.discardAll();
        }
    }

    @Test
    void settingsChangedBeforeTheAckFailTheCookieAsInLinux() {
        try (TcpPeer p = peer(2)) {
            CookieSynAck cookie = cookieSyn(p, new Offer(true, true, 9, false));
            long tsVal = cookie.tsVal();
            p.net.stack.tcp().setOptionsOffered(true, false, true); // tcp_sack turned off meanwhile
            returnCookie(p, 1000, tsVal);
            p.expect(RST, 1, 0);
            assertNull(TcpSynCookiesTest.connectionFrom(p, PORT));
            p.api.close(cookie.listenFd());
            p.net.wire.discardAll();
        }
    }

    @Test
    void aForgedStaleOrMissingTsecrFailsTheCookie() {
        try (TcpPeer p = peer(2)) {
            CookieSynAck cookie = cookieSyn(p, new Offer(true, true, 9, false));
            long tsVal = cookie.tsVal();
            long period = SynCookies.PERIOD_NANOS / 1_000_000L;
            long[] bad = {
                tsVal ^ 0x10, // claims no SACK
                tsVal ^ 0x0F, // another window shift
                tsVal ^ 0x20, // claims ECN
                (tsVal - period) & 0xFFFF_FFFFL, // same bits, a TSval of the slot before: not this cookie's
                (tsVal + 64) & 0xFFFF_FFFFL, // same bits, a TSval we have not sent yet
                0,
            };
            int failed = 0;
            for (long ecr : bad) {
                returnCookie(p, 1000, ecr);
                p.expect(RST, 1, 0);
                assertEquals(++failed, p.counter(Counter.TCP_SYNCOOKIES_FAILED), "TSecr " + ecr);
            }
            returnCookie(p, 1000, null); // timestamps were agreed on: RFC 7323 3.2 says TSopt MUST be sent
            p.expect(RST, 1, 0);
            assertEquals(++failed, p.counter(Counter.TCP_SYNCOOKIES_FAILED));
            assertNull(TcpSynCookiesTest.connectionFrom(p, PORT));
            assertEquals(0, p.counter(Counter.TCP_SYNCOOKIES_RECV));

            // The genuine echo still opens the connection, even a slot later (the cookie lives two more).
            p.runMillis(100_000);
            p.net.wire.discardAll();
            returnCookie(p, 1000, tsVal);
            p.expectNothing();
            TcpConnection c = cookieConnection(p);
            assertTrue(c.sackPermitted());
            assertEquals(1000 << 9, c.snd.wnd);
            p.api.close(cookie.listenFd());
            p.net.wire.discardAll();
        }
    }
}
