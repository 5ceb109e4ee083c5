package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.netstack4j.wire.TcpSegment.ACK;
import static org.netstack4j.wire.TcpSegment.SYN;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.testing.TwoStacks;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpOption.Mss;
import org.netstack4j.wire.TcpOption.Nop;
import org.netstack4j.wire.TcpOption.SackPermitted;
import org.netstack4j.wire.TcpOption.Timestamps;
import org.netstack4j.wire.TcpOption.WindowScale;

/**
 * Which options a connection uses: each needs both SYNs (RFC 7323 2.2 and 3.2, RFC 2018 2), and ours are laid out
 * byte for byte as Linux lays them out, for every combination the peer offers, from both ends of the handshake.
 */
class TcpOptionsNegotiationTest {
    private static final int PEER_TSVAL = 7_000;

    /** The peer's SYN options for a subset: bit 0 timestamps, bit 1 SACK-permitted, bit 2 window scale 3. */
    private static List<TcpOption> peerOffer(int subset) {
        List<TcpOption> o = new ArrayList<>(List.of(new Mss(1460)));
        if ((subset & 2) != 0) {
            o.add(SackPermitted.INSTANCE);
        }
        if ((subset & 1) != 0) {
            o.add(new Timestamps(PEER_TSVAL, 0));
        }
        if ((subset & 4) != 0) {
            o.add(new WindowScale(3));
        }
        return o;
    }

    private static int expectedInfoOptions(int subset) {
        return ((subset & 1) != 0 ? TcpInfo.OPT_TIMESTAMPS : 0) | ((subset & 2) != 0 ? TcpInfo.OPT_SACK : 0)
                | ((subset & 4) != 0 ? TcpInfo.OPT_WSCALE : 0);
    }

    /** What Linux's SYN-ACK carries for what the SYN offered (tcp_options_write). */
    private static List<TcpOption> linuxSynAckLayout(int subset, long tsVal) {
        boolean ts = (subset & 1) != 0;
        boolean sack = (subset & 2) != 0;
        boolean ws = (subset & 4) != 0;
        List<TcpOption> o = new ArrayList<>(List.of(new Mss(1460)));
        if (ts) {
            if (sack) {
                o.add(SackPermitted.INSTANCE);
            } else {
                o.add(Nop.INSTANCE);
                o.add(Nop.INSTANCE);
            }
            o.add(new Timestamps(tsVal, PEER_TSVAL));
        } else if (sack) {
            o.add(Nop.INSTANCE);
            o.add(Nop.INSTANCE);
            o.add(SackPermitted.INSTANCE);
        }
        if (ws) {
            o.add(Nop.INSTANCE);
            o.add(new WindowScale(7));
        }
        return o;
    }

    @ParameterizedTest(name = "peer offers subset {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void passiveOpenAnswersWithWhatThePeerOffered(int subset) {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int l = p.listen();
            p.send(SYN, 0, 0, p.window, peerOffer(subset), new byte[0]);
            TcpPeer.Seg synAck = p.expect(SYN | ACK, 0, 1);
            long[] ts = TcpPeer.timestamps(synAck);
            assertEquals(linuxSynAckLayout(subset, ts == null ? 0 : ts[0]), synAck.h().options());
            assertEquals(65_535, synAck.window(), "a SYN's window is never scaled (RFC 7323 2.2)");
            p.send(ACK, 1, 1, p.window, (subset & 1) != 0 ? List.of(new Timestamps(PEER_TSVAL + 1, ts[0]))
                    : List.of(), new byte[0]);
            int fd = p.accept(l);
            TcpInfo info = p.api.tcpInfo(fd);
            assertEquals(expectedInfoOptions(subset), info.options());
            assertEquals((subset & 4) != 0 ? 3 : 0, info.sndWscale());
            assertEquals((subset & 4) != 0 ? 7 : 0, info.rcvWscale());
            assertEquals((subset & 1) != 0 ? 1448 : 1460, info.sndMss(), "timestamps take 12 bytes of each segment");
            assertEquals((subset & 2) != 0, p.conn().sackPermitted(), "what the send side reads");
            // Every later segment carries nop,nop,TS exactly when timestamps are in use (RFC 7323 3.2).
            p.api.write(fd, TcpPeer.bytes(10), 0, 10);
            TcpPeer.Seg data = p.expect();
            if ((subset & 1) != 0) {
                assertEquals(List.of(Nop.INSTANCE, Nop.INSTANCE, new Timestamps(TcpPeer.timestamps(data)[0],
                        PEER_TSVAL + 1)), data.h().options(), "TSecr echoes the peer's latest TSval");
            } else {
                assertEquals(List.of(), data.h().options());
            }
        }
    }

    @ParameterizedTest(name = "peer answers with subset {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void activeOpenUsesWhatTheSynAckCarries(int subset) {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int fd = p.connect();
            TcpPeer.Seg syn = p.expect(SYN, 0, 0);
            TcpPeer.assertLinuxSynOptions(syn, 7);
            long ourTsVal = TcpPeer.timestamps(syn)[0];
            List<TcpOption> answer = new ArrayList<>(peerOffer(subset));
            answer.replaceAll(o -> o instanceof Timestamps ? new Timestamps(PEER_TSVAL, ourTsVal) : o);
            p.send(SYN | ACK, 0, 1, p.window, answer, new byte[0]);
            TcpPeer.Seg ack = p.expect(ACK, 1, 1);
            if ((subset & 1) != 0) {
                assertEquals(List.of(Nop.INSTANCE, Nop.INSTANCE, new Timestamps(ourTsVal, PEER_TSVAL)),
                        ack.h().options(), "the ACK echoes the SYN-ACK's TSval; no time has passed");
            } else {
                assertEquals(List.of(), ack.h().options());
            }
            TcpInfo info = p.api.tcpInfo(fd);
            assertEquals(expectedInfoOptions(subset), info.options());
            assertEquals((subset & 4) != 0 ? 3 : 0, info.sndWscale());
            assertEquals((subset & 2) != 0, p.conn().sackPermitted());
        }
    }

    @Test
    void optionsWeDoNotOfferAreNotUsedEvenIfThePeerSendsThem() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            p.net.stack.tcp().setOptionsOffered(false, false, false);
            int fd = p.connect();
            TcpPeer.Seg syn = p.expect(SYN, 0, 0);
            assertEquals(List.of(new Mss(1460)), syn.h().options(), "only the MSS, like Linux with the sysctls off");
            p.send(SYN | ACK, 0, 1, p.window, peerOffer(7), new byte[0]);
            TcpPeer.Seg ack = p.expect(ACK, 1, 1);
            assertEquals(List.of(), ack.h().options());
            assertEquals(0, p.api.tcpInfo(fd).options());
            assertFalse(p.conn().sackPermitted());
            // Unscaled: a window field of 1000 means 1000 bytes.
            p.send(ACK, 1, 1, 1000);
            assertEquals(1000, p.api.tcpInfo(fd).sndWnd());
        }
    }

    @Test
    void aListenerThatOffersNothingAnswersWithTheMssAlone() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            p.net.stack.tcp().setOptionsOffered(false, false, false);
            p.listen();
            p.send(SYN, 0, 0, p.window, peerOffer(7), new byte[0]);
            assertEquals(List.of(new Mss(1460)), p.expect(SYN | ACK, 0, 1).h().options());
        }
    }

    @Test
    void aShiftAbove14IsTakenAs14() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            int l = p.listen();
            p.send(SYN, 0, 0, p.window, List.of(new Mss(1460), new WindowScale(15)), new byte[0]);
            p.expect(SYN | ACK, 0, 1);
            p.send(ACK, 1, 1, 2);
            int fd = p.accept(l);
            assertEquals(14, p.api.tcpInfo(fd).sndWscale(), "RFC 7323 2.3: use 14");
            assertEquals(2 << 14, p.api.tcpInfo(fd).sndWnd());
        }
    }

    @Test
    void ourShiftFollowsTheLargestBufferWeMightOffer() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage())) {
            assertEquals(7, p.net.stack.tcp().windowShiftFor(131_072), "Linux's tcp_rmem[2] of 6 MiB gives 7");
            p.net.stack.tcp().setMaxReceiveBuffer(15 * 1024 * 1024);
            assertEquals(8, p.net.stack.tcp().windowShiftFor(131_072), "packetdrill's 15 MiB gives 8");
            p.connect();
            TcpPeer.assertLinuxSynOptions(p.expect(SYN, 0, 0), 8);
            p.net.stack.tcp().setMaxReceiveBuffer(0);
            assertEquals(0, p.net.stack.tcp().windowShiftFor(65_535));
            assertEquals(1, p.net.stack.tcp().windowShiftFor(65_536));
            assertEquals(2, p.net.stack.tcp().windowShiftFor(131_072));
            assertEquals(14, p.net.stack.tcp().windowShiftFor(Integer.MAX_VALUE), "never above 14");
        }
    }

    @Test
    void rfcProfileChoosesTheShiftFromTheSocketBuffer() {
        try (TcpPeer p = new TcpPeer(new TransitionCoverage(), TcpProfile.RFC)) {
            p.connect();
            TcpPeer.Seg syn = p.expect(SYN, 0, 0);
            int rcvBuf = p.net.stack.tcp().defaultReceiveBuffer();
            int expected = 0;
            while ((rcvBuf >> expected) > 65_535) {
                expected++;
            }
            assertEquals(expected, TcpPeer.wscale(syn));
        }
    }

    @Test
    void twoStacksNegotiateEverythingOrWhatOneSideAllows() {
        for (boolean bOffers : new boolean[] {true, false}) {
            try (TwoStacks net = TwoStacks.create(null)) {
                net.b.tcp().setOptionsOffered(bOffers, bOffers, bOffers);
                try (StreamPair pair = new StreamPair(net)) {
                    int all = TcpInfo.OPT_TIMESTAMPS | TcpInfo.OPT_SACK | TcpInfo.OPT_WSCALE;
                    assertEquals(bOffers ? all : 0, net.socketsA.tcpInfo(pair.a).options());
                    assertEquals(bOffers ? all : 0, net.socketsB.tcpInfo(pair.b).options());
                    byte[] msg = TcpPeer.bytes(50_000);
                    net.socketsA.write(pair.a, msg, 0, msg.length);
                    assertArrayEquals(msg, pair.readFully(false, msg.length), "data intact");
                }
            }
        }
    }
}
