package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.socket.SocketConstants.SOCK_NONBLOCK;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.PSH;
import static org.netstack4j.wire.TcpSegment.RST;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.TcpOption;

/**
 * SYN cookies in virtual time: a listener whose half-open queue is full answers with a cookie and completes the
 * handshake from the returning ACK alone; forged, misdirected and expired cookies are refused with a RST and
 * counted; tcp_syncookies 0 and 2 behave as in Linux. The cookie encoding itself is checked directly too.
 */
class TcpSynCookiesTest {
    static final TransitionCoverage COVERAGE = new TransitionCoverage();
    private static final int BACKLOG = 2;

    static TcpPeer peer(int mode) {
        return new TcpPeer(COVERAGE,
                TcpProfile.LINUX.withRobustness(TcpRobustness.LINUX.withSynCookies(mode)));
    }

    static int listen(TcpPeer p) {
        int l = p.api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        p.api.bind(l, new SockAddrIn(OneStack.US, TcpPeer.PORT));
        p.api.listen(l, BACKLOG);
        return l;
    }

    static TcpListener listener(TcpPeer p) {
        return p.net.stack.tcp().listeners().get(0);
    }

    /** A SYN from {@code port} with the given MSS option; returns the SYN,ACK (relative numbers for this port). */
    private static TcpPeer.Seg syn(TcpPeer p, int port, int mss) {
        p.peerPort = port;
        p.iss = -1;
        p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(mss)), new byte[0]);
        return p.expect(SYN | ACK, 0, 1);
    }

    /** Fills the half-open queue with {@link #BACKLOG} ordinary handshakes left open. */
    static void fillHalfOpenQueue(TcpPeer p) {
        for (int i = 0; i < BACKLOG; i++) {
            syn(p, 41_000 + i, 1460);
        }
        assertEquals(BACKLOG, listener(p).halfOpenCount());
        assertEquals(0, p.counter(Counter.TCP_SYNCOOKIES_SENT));
    }

    static TcpConnection connectionFrom(TcpPeer p, int port) {
        return p.net.stack.tcp().connections().stream().filter(c -> c.remotePort() == port).findFirst().orElse(null);
    }

    @Test
    void handshakeCompletesThroughACookieWhenTheQueueIsFull() {
        try (TcpPeer p = peer(1)) {
            int l = listen(p);
            fillHalfOpenQueue(p);
            TcpPeer.Seg synAck = syn(p, 42_000, 1300);
            assertEquals(1460, synAck.mss(), "our MSS is announced as usual");
            assertEquals(1, p.counter(Counter.TCP_SYNCOOKIES_SENT));
            assertEquals(1, p.counter(Counter.TCP_REQ_Q_FULL_DO_COOKIES));
            assertEquals(BACKLOG, listener(p).halfOpenCount(), "no state kept for the cookie");
            assertEquals(null, connectionFrom(p, 42_000));
            p.runMillis(30_000); // the cookie is still good half a minute later
            p.net.wire.discardAll(); // the half-open connections' SYN,ACK retransmissions
            p.send(PSH | ACK, 1, 1, TcpPeer.bytes(20));
            p.expect(ACK, 1, 21);
            assertEquals(1, p.counter(Counter.TCP_SYNCOOKIES_RECV));
            TcpConnection c = connectionFrom(p, 42_000);
            assertEquals(TcpState.ESTABLISHED, c.state());
            assertEquals(1220, c.sender().mss(), "the largest table MSS not above the peer's 1300");
            int fd = p.api.accept(l).fd();
            byte[] got = new byte[64];
            assertEquals(20, p.api.recv(fd, got, 0, 64, MSG_DONTWAIT));
            assertArrayEquals(TcpPeer.bytes(20), java.util.Arrays.copyOf(got, 20));
            p.api.send(fd, TcpPeer.bytes(5), 0, 5, 0);
            p.expect(PSH | ACK, 1, 21);
            p.api.close(fd);
            p.api.close(l);
            p.net.wire.discardAll();
        }
    }

    @Test
    void forgedMisdirectedAndExpiredCookiesAreRefused() {
        try (TcpPeer p = peer(1)) {
            int l = listen(p);
            fillHalfOpenQueue(p);
            syn(p, 42_000, 1460);
            long cookie = p.iss;
            // A blind ACK with a guessed cookie.
            p.peerPort = 43_000;
            p.iss = (cookie ^ 0x100) & 0xFFFF_FFFFL;
            p.send(ACK, 1, 1);
            p.expect(RST, 1, 0);
            assertEquals(1, p.counter(Counter.TCP_SYNCOOKIES_FAILED));
            // The real cookie from another port (it is bound to the four-tuple).
            p.iss = cookie;
            p.send(ACK, 1, 1);
            p.expect(RST, 1, 0);
            // The real cookie with another peer ISN (SEQ - 1 is part of it).
            p.peerPort = 42_000;
            p.send(ACK, 2, 1);
            p.expect(RST, 1, 0);
            assertEquals(3, p.counter(Counter.TCP_SYNCOOKIES_FAILED));
            // The real cookie, too late: more than two 64 s periods old.
            p.runMillis(3 * 64_000);
            p.net.wire.discardAll();
            for (int port : new int[] {41_010, 41_011, 44_000}) {
                syn(p, port, 1460); // the last one a fresh cookie: checking stays active for this listener
            }
            assertEquals(2, p.counter(Counter.TCP_SYNCOOKIES_SENT));
            p.peerPort = 42_000;
            p.iss = cookie;
            p.send(ACK, 1, 1);
            p.expect(RST, 1, 0);
            assertEquals(4, p.counter(Counter.TCP_SYNCOOKIES_FAILED));
            assertEquals(0, p.counter(Counter.TCP_SYNCOOKIES_RECV));
            assertEquals(null, connectionFrom(p, 42_000));
            assertEquals(null, connectionFrom(p, 43_000));
            p.api.close(l);
            p.net.wire.discardAll();
        }
    }

    @Test
    void withoutRecentCookiesAnAckIsNotCheckedAsOne() {
        try (TcpPeer p = peer(1)) {
            int l = listen(p);
            p.peerPort = 43_000;
            p.iss = 12_345;
            p.send(ACK, 1, 1);
            p.expect(RST, 1, 0);
            assertEquals(0, p.counter(Counter.TCP_SYNCOOKIES_FAILED), "Linux checks only after sending cookies");
            p.api.close(l);
        }
    }

    @Test
    void cookiesOffDropsTheSynWhenTheQueueIsFull() {
        try (TcpPeer p = peer(0)) {
            int l = listen(p);
            fillHalfOpenQueue(p);
            p.peerPort = 42_000;
            p.send(SYN, 0, 0, p.window, List.of(new TcpOption.Mss(1460)), new byte[0]);
            p.expectNothing();
            assertEquals(1, p.counter(Counter.TCP_REQ_Q_FULL_DROP));
            assertEquals(1, p.counter(Counter.TCP_LISTEN_DROPS));
            assertEquals(0, p.counter(Counter.TCP_SYNCOOKIES_SENT));
            p.api.close(l);
            p.net.wire.discardAll();
        }
    }

    @Test
    void cookiesAlwaysAnswersEverySynStatelessly() {
        try (TcpPeer p = peer(2)) {
            int l = listen(p);
            syn(p, 42_000, 0x10000 - 1); // an MSS above every table entry: 1460
            assertEquals(0, listener(p).halfOpenCount());
            assertEquals(0, p.counter(Counter.TCP_REQ_Q_FULL_DO_COOKIES), "not because the queue was full");
            p.send(ACK, 1, 1);
            p.expectNothing();
            assertEquals(TcpState.ESTABLISHED, connectionFrom(p, 42_000).state());
            assertEquals(1460, connectionFrom(p, 42_000).sender().mss());
            p.api.close(p.api.accept(l).fd());
            p.api.close(l);
            p.net.wire.discardAll();
        }
    }

    @Test
    void cookieEncodingRoundTripsAndRejectsChanges() {
        SynCookies cookies = new SynCookies(new byte[32]);
        long now = 1_000 * SynCookies.PERIOD_NANOS + 5;
        for (int mss : new int[] {0, 536, 1219, 1220, 1399, 1400, 1459, 1460, 9000}) {
            int iss = cookies.make(1, 80, 2, 40_000, 777, mss, null, now);
            int expected = SynCookies.MSS_TABLE[SynCookies.mssIndex(mss)];
            assertTrue(expected <= Math.max(mss, 536), "never more than the peer offered (or 536)");
            assertEquals(new SynCookies.Accepted(expected, null), check(cookies, 2, 777, iss, now));
            assertEquals(expected, check(cookies, 2, 777, iss, now + 2 * SynCookies.PERIOD_NANOS).mss());
            assertEquals(null, check(cookies, 2, 777, iss, now + 3 * SynCookies.PERIOD_NANOS));
            assertEquals(null, check(cookies, 2, 777, iss ^ 1, now), "MSS bits are authenticated");
            assertEquals(null, check(cookies, 2, 777, iss ^ 4, now), "time bits are authenticated");
            assertEquals(null, check(cookies, 3, 777, iss, now));
            assertEquals(null, check(cookies, 2, 778, iss, now));
            assertEquals(null, cookies.check(1, 80, 2, 40_000, 777, iss, true, SynCookies.timestampClock(
                    new SynCookies.TimestampBits(-1, false, false), now), now), "made without timestamps");
        }
        assertNotEquals(cookies.make(1, 80, 2, 40_000, 777, 1460, null, 0),
                new SynCookies(new byte[] {1}).make(1, 80, 2, 40_000, 777, 1460, null, 0), "keyed");
    }

    private static SynCookies.Accepted check(SynCookies cookies, int remoteIp, int peerIsn, int iss, long now) {
        return cookies.check(1, 80, remoteIp, 40_000, peerIsn, iss, false, 0, now);
    }

    @Test
    void timestampOptionBitsAreAuthenticatedAndTiedToTheCookiesTime() {
        SynCookies cookies = new SynCookies(new byte[32]);
        var options = new SynCookies.TimestampBits(9, true, false);
        long made = 1_000 * SynCookies.PERIOD_NANOS + 30_000_000_000L; // half-way through a slot
        int iss = cookies.make(1, 80, 2, 40_000, 777, 1460, options, made);
        int clock = SynCookies.timestampClock(options, made);
        long later = made + SynCookies.PERIOD_NANOS + 1; // the ACK may come in a later slot
        assertEquals(new SynCookies.Accepted(1460, options), cookies.check(1, 80, 2, 40_000, 777, iss, true, clock,
                later));
        assertEquals(null, cookies.check(1, 80, 2, 40_000, 777, iss, false, 0, later), "TSecr missing");
        for (int bit = 0; bit < SynCookies.TS_BITS; bit++) {
            assertEquals(null, cookies.check(1, 80, 2, 40_000, 777, iss, true, clock ^ 1 << bit, later),
                    "option bit " + bit + " changed");
        }
        int period = (int) (SynCookies.PERIOD_NANOS / 1_000_000L);
        assertEquals(null, cookies.check(1, 80, 2, 40_000, 777, iss, true, clock - period, later), "a slot older");
        assertEquals(null, cookies.check(1, 80, 2, 40_000, 777, iss, true, clock + period, later + period * 1_000_000L),
                "a slot younger");
        assertEquals(null, cookies.check(1, 80, 2, 40_000, 777, iss, true, clock + 64, made),
                "same slot and bits, but not sent yet");
        assertEquals(options, cookies.check(1, 80, 2, 40_000, 777, iss, true, clock + 64, made + 64_000_000L)
                .options(), "a later TSval of the same slot with the same bits passes (it could be ours)");
    }

    @Test
    void cookieTimestampNeverRunsAheadOfTheClock() {
        for (long ms = 0; ms < 300; ms += 7) {
            for (int bits : new int[] {0, 1, 0x1F, 0x20, 0x3F}) {
                var options = SynCookies.fromTimestampBits(bits);
                long now = 5 * SynCookies.PERIOD_NANOS - 100_000_000L + ms * 1_000_000L + 999_999;
                int clock = SynCookies.timestampClock(options, now);
                int tick = (int) (now / 1_000_000L);
                assertEquals(bits, clock & 63, "low six bits carry the options");
                assertTrue(tick - clock >= 0 && tick - clock < 64, "within the 64 ticks up to now: " + (tick - clock));
            }
        }
    }

    @Test
    void timestampBitsRoundTripLinuxLayout() {
        for (int ws = -1; ws <= 14; ws++) {
            for (int flags = 0; flags < 4; flags++) {
                var bits = new SynCookies.TimestampBits(ws, (flags & 1) != 0, (flags & 2) != 0);
                int low = SynCookies.timestampBits(bits);
                assertTrue(low < 64, "six bits");
                assertEquals(bits, SynCookies.fromTimestampBits(0x12345600 | low));
            }
        }
        assertEquals(0xF, SynCookies.timestampBits(new SynCookies.TimestampBits(-1, false, false)), "15: no wscale");
    }
}
