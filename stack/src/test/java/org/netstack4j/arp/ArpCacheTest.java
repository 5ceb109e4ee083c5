package org.netstack4j.arp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.netstack4j.socket.SocketConstants.*;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stack.Simulation;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CapturingDevice;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.ArpPacket;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/** ARP (RFC 826) against a hand-played peer, in virtual time. */
class ArpCacheTest {

    private static ArpMessage parseArp(ByteBuf frame) {
        try {
            EthernetFrame eth = new EthernetFrame().wrap(frame, 0, frame.readableBytes());
            assertEquals(EthernetFrame.TYPE_ARP, eth.etherType());
            ArpPacket p = new ArpPacket().wrap(frame, eth.payloadOffset(), eth.payloadLength());
            assertNull(p.check());
            return ArpMessage.parse(p);
        } finally {
            frame.release();
        }
    }

    @Test
    void announcesItsAddressOnStart() {
        try (Simulation sim = new Simulation()) {
            CapturingDevice wire = new CapturingDevice(1500);
            sim.addStack(StackConfig.builder(OneStack.US_MAC, OneStack.US, 24).build(), wire);
            ArpMessage m = parseArp(wire.take());
            // RFC 5227 section 3: an announcement is a request with sender and target both our address.
            assertEquals(new ArpMessage(ArpPacket.OP_REQUEST, OneStack.US_MAC, OneStack.US, MacAddress.ZERO,
                    OneStack.US), m);
        }
    }

    @Test
    void answersRequestsForItsAddressOnly() {
        try (OneStack s = new OneStack()) {
            s.inject(Frames.arp(MacAddress.BROADCAST, new ArpMessage(ArpPacket.OP_REQUEST, OneStack.PEER_MAC,
                    OneStack.PEER, MacAddress.ZERO, Ipv4Address.parse("10.0.0.77"))));
            assertEquals(0, s.wire.pending());
            assertEquals(1, s.stack.counters().get(Counter.ARP_IN_NOT_FOR_US));

            s.inject(Frames.arp(MacAddress.BROADCAST, new ArpMessage(ArpPacket.OP_REQUEST, OneStack.PEER_MAC,
                    OneStack.PEER, MacAddress.ZERO, OneStack.US)));
            ByteBuf reply = s.wire.take();
            assertEquals(OneStack.PEER_MAC.bits(), MacAddress.readBits(reply, 0), "reply is unicast to the asker");
            assertEquals(new ArpMessage(ArpPacket.OP_REPLY, OneStack.US_MAC, OneStack.US, OneStack.PEER_MAC,
                    OneStack.PEER), parseArp(reply));
            // The asker was learnt (RFC 826: merge, then add when the request is for us).
            assertEquals(OneStack.PEER_MAC, s.stack.arp().lookup(OneStack.PEER));
        }
    }

    @Test
    void resolvesWithRetriesThenGivesUpAndDropsTheQueue() {
        try (OneStack s = new OneStack()) {
            int fd = s.sockets.socket(AF_INET, SOCK_DGRAM, 0);
            for (int i = 0; i < 3; i++) {
                s.sockets.sendto(fd, new byte[10], 0, 10, 0, new SockAddrIn(OneStack.PEER, 7));
            }
            assertEquals(new ArpMessage(ArpPacket.OP_REQUEST, OneStack.US_MAC, OneStack.US, MacAddress.ZERO,
                    OneStack.PEER), parseArp(s.wire.take()));
            assertEquals(0, s.wire.pending(), "one request for three waiting packets");
            s.sim.runFor(Duration.ofMillis(999));
            assertEquals(0, s.wire.pending(), "no retry before the 1 s interval");
            s.sim.runFor(Duration.ofMillis(1));
            parseArp(s.wire.take());
            s.sim.runFor(Duration.ofSeconds(1));
            parseArp(s.wire.take());
            assertEquals(3, s.stack.counters().get(Counter.ARP_OUT_REQUESTS));
            s.sim.runFor(Duration.ofSeconds(1));
            assertEquals(0, s.wire.pending(), "three requests, then it gives up");
            assertEquals(1, s.stack.counters().get(Counter.ARP_RESOLVE_FAILED));
            assertEquals(3, s.stack.counters().get(Counter.ARP_QUEUE_DROPS));
        }
    }

    @Test
    void aReplyReleasesTheWaitingPacketsInOrderAndTheEntryExpires() {
        try (OneStack s = new OneStack()) {
            int fd = s.sockets.socket(AF_INET, SOCK_DGRAM, 0);
            for (int i = 0; i < 3; i++) {
                s.sockets.sendto(fd, new byte[] {(byte) i}, 0, 1, 0, new SockAddrIn(OneStack.PEER, 7));
            }
            s.wire.take().release();
            s.inject(Frames.arp(OneStack.US_MAC, new ArpMessage(ArpPacket.OP_REPLY, OneStack.PEER_MAC,
                    OneStack.PEER, OneStack.US_MAC, OneStack.US)));
            for (int i = 0; i < 3; i++) {
                ByteBuf f = s.wire.take();
                assertEquals(OneStack.PEER_MAC.bits(), MacAddress.readBits(f, 0));
                assertEquals(i, f.getByte(f.readableBytes() - 1), "queued packets keep their order");
                f.release();
            }
            s.sim.runFor(Duration.ofSeconds(59));
            assertNotNull(s.stack.arp().lookup(OneStack.PEER));
            s.sim.runFor(Duration.ofSeconds(1));
            assertNull(s.stack.arp().lookup(OneStack.PEER), "entries expire after 60 s");
            assertEquals(1, s.stack.counters().get(Counter.ARP_ENTRIES_EXPIRED));
        }
    }

    @Test
    void theWaitingQueueIsBoundedInBytes() {
        try (OneStack s = new OneStack(b -> b.arpQueueBytesPerEntry(5000))) {
            int fd = s.sockets.socket(AF_INET, SOCK_DGRAM, 0);
            for (int i = 0; i < 10; i++) {
                s.sockets.sendto(fd, new byte[1000], 0, 1000, 0, new SockAddrIn(OneStack.PEER, 7));
            }
            // 1042-byte frames: four fit in 5000 bytes; each newer one pushes out the oldest.
            assertEquals(6, s.stack.counters().get(Counter.ARP_QUEUE_DROPS));
        }
    }
}
