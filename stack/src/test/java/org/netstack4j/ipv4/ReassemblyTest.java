package org.netstack4j.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.IcmpPacket;
import org.netstack4j.wire.Ipv4Packet;

/** IPv4 reassembly (RFC 791, RFC 815) with limits, driven by hand-made fragments in virtual time. */
class ReassemblyTest {
    private static final int PORT = 4000;

    /** A UDP datagram to our port carrying {@code n} bytes 0,1,2,..., as IP payload. */
    private static byte[] udpPayload(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) i;
        }
        return Frames.udp(OneStack.PEER, 999, OneStack.US, PORT, data);
    }

    private static ByteBuf frag(int id, byte[] all, int offset, int length, boolean more) {
        return Frames.fragment(OneStack.US_MAC, OneStack.PEER_MAC, OneStack.PEER, OneStack.US,
                Ipv4Packet.PROTO_UDP, id, offset, more, Arrays.copyOfRange(all, offset, offset + length));
    }

    private static byte[] receive(OneStack s, int fd) {
        byte[] buf = new byte[65536];
        int n = s.sockets.recv(fd, buf, 0, buf.length, MSG_DONTWAIT);
        return Arrays.copyOf(buf, n);
    }

    private static int bound(OneStack s) {
        int fd = s.sockets.socket(AF_INET, SOCK_DGRAM, 0);
        s.sockets.bind(fd, new SockAddrIn(OneStack.US, PORT));
        return fd;
    }

    @Test
    void fragmentsInAnyOrderMakeTheDatagram() {
        try (OneStack s = new OneStack()) {
            int fd = bound(s);
            byte[] all = udpPayload(3992); // 4000 bytes of IP payload
            s.inject(frag(7, all, 2000, 2000, false));
            s.inject(frag(7, all, 1000, 1000, true));
            assertEquals(0, s.stack.counters().get(Counter.UDP_IN_DATAGRAMS));
            s.inject(frag(7, all, 0, 1000, true));
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_OKS));
            assertArrayEquals(Arrays.copyOfRange(all, 8, all.length), receive(s, fd));
            assertEquals(0, s.stack.ipv4().reassembler().incomplete());
            assertEquals(0, s.stack.ipv4().reassembler().chargedBytes());
        }
    }

    @Test
    void overlapsKeepTheFirstDataAndAreCounted() {
        try (OneStack s = new OneStack()) {
            int fd = bound(s);
            byte[] all = udpPayload(2392); // 2400 bytes
            byte[] evil = all.clone();
            Arrays.fill(evil, 800, 1600, (byte) 0x5A);
            s.inject(frag(9, all, 0, 1600, true));
            // Overlaps [800, 1600) with different bytes, then fills [1600, 2400).
            s.inject(Frames.fragment(OneStack.US_MAC, OneStack.PEER_MAC, OneStack.PEER, OneStack.US,
                    Ipv4Packet.PROTO_UDP, 9, 800, false, Arrays.copyOfRange(evil, 800, 2400)));
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_OVERLAPS));
            // First data wins in the overlap, so the UDP checksum still matches and the datagram is intact.
            assertArrayEquals(Arrays.copyOfRange(all, 8, all.length), receive(s, fd));
        }
    }

    @Test
    void duplicateFragmentsDoNotDuplicateData() {
        try (OneStack s = new OneStack()) {
            int fd = bound(s);
            byte[] all = udpPayload(1592);
            s.inject(frag(3, all, 0, 800, true));
            s.inject(frag(3, all, 0, 800, true));
            s.inject(frag(3, all, 800, 800, false));
            assertArrayEquals(Arrays.copyOfRange(all, 8, all.length), receive(s, fd));
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_OVERLAPS));
        }
    }

    @Test
    void inconsistentLastFragmentsFailTheDatagram() {
        try (OneStack s = new OneStack()) {
            bound(s);
            byte[] all = udpPayload(3992);
            s.inject(frag(5, all, 0, 1000, true));
            s.inject(frag(5, all, 2000, 2000, false));
            s.inject(frag(5, all, 1000, 1000, false)); // a second "last" that ends elsewhere
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_FAILS));
            assertEquals(0, s.stack.ipv4().reassembler().incomplete());
            assertEquals(0, s.stack.ipv4().reassembler().chargedBytes());
        }
    }

    @Test
    void aFloodOfIncompleteDatagramsStaysUnderTheCap() {
        int cap = 256 * 1024;
        try (OneStack s = new OneStack(b -> b.reassembly(Duration.ofSeconds(30), cap))) {
            byte[] chunk = new byte[1480];
            for (int id = 0; id < 5000; id++) {
                s.inject(Frames.fragment(OneStack.US_MAC, OneStack.PEER_MAC, OneStack.PEER, OneStack.US,
                        Ipv4Packet.PROTO_UDP, id, 0, true, chunk));
                assertTrue(s.stack.ipv4().reassembler().chargedBytes() <= cap);
            }
            long evicted = s.stack.counters().get(Counter.IP_REASM_EVICTED);
            int held = s.stack.ipv4().reassembler().incomplete();
            assertEquals(cap / (1480 + Reassembler.PIECE_OVERHEAD), held, "as many as fit are kept");
            assertEquals(5000 - held, evicted);
            // A complete datagram still gets through during the flood.
            int fd = bound(s);
            byte[] all = udpPayload(1592);
            s.inject(frag(60000, all, 0, 800, true));
            s.inject(frag(60000, all, 800, 800, false));
            assertEquals(1592, receive(s, fd).length);
        }
    }

    @Test
    void timeoutAfterThirtySecondsSendsTimeExceededQuotingTheFirstFragment() {
        try (OneStack s = new OneStack()) {
            s.learnPeer();
            byte[] all = udpPayload(3992);
            s.inject(frag(11, all, 0, 1000, true));
            s.sim.runFor(Duration.ofMillis(29_999));
            assertEquals(0, s.stack.counters().get(Counter.IP_REASM_TIMEOUT));
            assertEquals(0, s.wire.pending());
            s.sim.runFor(Duration.ofMillis(1));
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_TIMEOUT));
            assertEquals(0, s.stack.ipv4().reassembler().chargedBytes());
            ByteBuf f = s.wire.take();
            try {
                Ipv4Packet ip = new Ipv4Packet().wrap(f, EthernetFrame.HEADER_LENGTH,
                        f.readableBytes() - EthernetFrame.HEADER_LENGTH);
                assertEquals(null, ip.check());
                assertEquals(OneStack.PEER.bits(), ip.destination());
                IcmpPacket icmp = new IcmpPacket().wrap(f, ip.payloadOffset(), ip.payloadLength());
                assertEquals(null, icmp.check());
                assertEquals(IcmpPacket.TYPE_TIME_EXCEEDED, icmp.type());
                assertEquals(IcmpPacket.CODE_REASSEMBLY_TIME_EXCEEDED, icmp.code());
                // RFC 792: the quote is the original header and its first 64 bits of data.
                assertEquals(20 + 8, icmp.payloadLength());
                assertEquals(11, f.getUnsignedShort(icmp.payloadOffset() + 4), "quoted identification");
            } finally {
                f.release();
            }
        }
    }

    @Test
    void withoutTheFirstFragmentATimeoutIsSilent() {
        try (OneStack s = new OneStack()) {
            s.learnPeer();
            byte[] all = udpPayload(3992);
            s.inject(frag(12, all, 1000, 1000, true));
            s.sim.runFor(Duration.ofSeconds(31));
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_TIMEOUT));
            assertEquals(0, s.wire.pending(), "RFC 1122 3.3.2: no time-exceeded without fragment zero");
        }
    }

    @Test
    void nonFinalFragmentsMustCarryMultiplesOfEightBytes() {
        try (OneStack s = new OneStack()) {
            int fd = bound(s);
            byte[] all = udpPayload(1592);
            s.inject(Frames.fragment(OneStack.US_MAC, OneStack.PEER_MAC, OneStack.PEER, OneStack.US,
                    Ipv4Packet.PROTO_UDP, 13, 0, true, Arrays.copyOfRange(all, 0, 801)));
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_FAILS));
            assertEquals(0, s.stack.ipv4().reassembler().incomplete());
            org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class, () -> receive(s, fd));
        }
    }
}
