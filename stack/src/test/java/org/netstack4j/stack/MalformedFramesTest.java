package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.socket.SocketConstants.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.ArpPacket;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.IcmpHeader;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.MacAddress;

/**
 * Malformed frames are counted under one reason and dropped: nothing is sent back, nothing throws out of
 * {@link NetStack#receive}, nothing leaks (the leak detector runs after every test).
 */
class MalformedFramesTest {

    private static ByteBuf validUdpFrame(byte[] data) {
        byte[] udp = Frames.udp(OneStack.PEER, 999, OneStack.US, 4000, data);
        return Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC,
                Ipv4Header.of(Ipv4Packet.PROTO_UDP, OneStack.PEER, OneStack.US, udp.length, 64, 1), udp);
    }

    private static void expectDrop(Counter counter, Consumer<ByteBuf> damage) {
        try (OneStack s = new OneStack()) {
            int fd = s.sockets.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            s.sockets.bind(fd, new SockAddrIn(OneStack.US, 4000));
            ByteBuf f = validUdpFrame(new byte[] {1, 2, 3, 4});
            damage.accept(f);
            s.inject(f);
            assertEquals(1, s.stack.counters().get(counter), counter.group() + " " + counter.label());
            assertEquals(0, s.stack.counters().get(Counter.UDP_IN_DATAGRAMS), "nothing delivered");
            assertEquals(0, s.stack.counters().get(Counter.LINK_IN_ERRORS_CAUGHT));
            assertEquals(0, s.wire.pending(), "nothing answered");
        }
    }

    @Test
    void truncatedEthernet() {
        expectDrop(Counter.LINK_IN_TRUNCATED, f -> f.writerIndex(10));
    }

    @Test
    void ipHeaderChecksum() {
        expectDrop(Counter.IP_IN_CSUM_ERRORS, f -> f.setByte(14 + 10, f.getByte(14 + 10) ^ 0x01));
    }

    @Test
    void ipHeaderLengthBelowFive() {
        expectDrop(Counter.IP_IN_HDR_ERRORS, f -> f.setByte(14, 0x44));
    }

    @Test
    void ipVersionSix() {
        expectDrop(Counter.IP_IN_HDR_ERRORS, f -> f.setByte(14, 0x65));
    }

    @Test
    void ipTotalLengthBeyondTheFrame() {
        expectDrop(Counter.IP_IN_TRUNCATED, f -> f.writerIndex(f.writerIndex() - 2));
    }

    @Test
    void udpChecksum() {
        expectDrop(Counter.UDP_IN_CSUM_ERRORS, f -> f.setByte(f.writerIndex() - 1, 99));
    }

    @Test
    void udpLengthFieldBeyondThePacket() {
        expectDrop(Counter.UDP_IN_ERRORS, f -> f.setShort(14 + 20 + 4, 200));
    }

    @Test
    void udpLengthFieldBelowEight() {
        expectDrop(Counter.UDP_IN_ERRORS, f -> f.setShort(14 + 20 + 4, 7));
    }

    @Test
    void frameForAnotherMac() {
        expectDrop(Counter.LINK_IN_NOT_FOR_US, f -> MacAddress.writeBits(f, 0, 0x020000000099L));
    }

    @Test
    void packetForAnotherAddress() {
        expectDrop(Counter.IP_IN_ADDR_ERRORS, f -> {
            f.setInt(14 + 16, 0x0a000063);
            new Ipv4Packet().wrap(f, 14, f.writerIndex() - 14).fillChecksum();
        });
    }

    @Test
    void icmpChecksum() {
        try (OneStack s = new OneStack()) {
            byte[] icmp = Frames.icmp(IcmpHeader.echoRequest(1, 1), new byte[] {1, 2, 3});
            icmp[8] ^= 0x40;
            s.inject(Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC,
                    Ipv4Header.of(Ipv4Packet.PROTO_ICMP, OneStack.PEER, OneStack.US, icmp.length, 64, 2), icmp));
            assertEquals(1, s.stack.counters().get(Counter.ICMP_IN_CSUM_ERRORS));
            assertEquals(0, s.wire.pending());
        }
    }

    @Test
    void arpWithWrongHardwareType() {
        try (OneStack s = new OneStack()) {
            ByteBuf f = Frames.arp(MacAddress.BROADCAST, new ArpMessage(ArpPacket.OP_REQUEST, OneStack.PEER_MAC,
                    OneStack.PEER, MacAddress.ZERO, OneStack.US));
            f.setShort(14, 6); // IEEE 802 instead of Ethernet
            s.inject(f);
            assertEquals(1, s.stack.counters().get(Counter.ARP_IN_MALFORMED));
            assertEquals(0, s.wire.pending());
        }
    }

    @Test
    void unknownProtocolIsAnsweredWithProtocolUnreachable() {
        try (OneStack s = new OneStack()) {
            s.learnPeer();
            s.inject(Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC,
                    Ipv4Header.of(132, OneStack.PEER, OneStack.US, 4, 64, 3), new byte[4]));
            assertEquals(1, s.stack.counters().get(Counter.IP_IN_UNKNOWN_PROTOS));
            ByteBuf reply = s.wire.take();
            try {
                assertEquals(3, reply.getUnsignedByte(14 + 20), "destination unreachable");
                assertEquals(2, reply.getUnsignedByte(14 + 21), "protocol unreachable");
            } finally {
                reply.release();
            }
        }
    }

    /**
     * Fuzz: 20000 frames that start as valid UDP, ICMP, fragment and ARP frames and then get random bytes
     * overwritten, truncated or extended. None may make the stack throw (counted as an internal error).
     */
    @Test
    void randomDamageNeverThrows() {
        SplittableRandom r = new SplittableRandom(42);
        try (OneStack s = new OneStack()) {
            s.learnPeer();
            int fd = s.sockets.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            s.sockets.bind(fd, new SockAddrIn(OneStack.US, 4000));
            for (int i = 0; i < 20_000; i++) {
                ByteBuf f = switch (i % 4) {
                    case 0 -> validUdpFrame(new byte[r.nextInt(100)]);
                    case 1 -> {
                        byte[] icmp = Frames.icmp(IcmpHeader.echoRequest(1, i & 0xFFFF), new byte[r.nextInt(64)]);
                        yield Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC,
                                Ipv4Header.of(Ipv4Packet.PROTO_ICMP, OneStack.PEER, OneStack.US, icmp.length, 64, i & 0xFFFF),
                                icmp);
                    }
                    case 2 -> Frames.fragment(OneStack.US_MAC, OneStack.PEER_MAC, OneStack.PEER, OneStack.US,
                            Ipv4Packet.PROTO_UDP, i & 0xFFFF, 8 * r.nextInt(100), r.nextBoolean(), new byte[8 * (1 + r.nextInt(20))]);
                    default -> Frames.arp(MacAddress.BROADCAST, new ArpMessage(ArpPacket.OP_REQUEST, OneStack.PEER_MAC,
                            OneStack.PEER, MacAddress.ZERO, OneStack.US));
                };
                int damage = r.nextInt(4);
                if (damage == 1 && f.writerIndex() > 1) {
                    f.writerIndex(r.nextInt(f.writerIndex()));
                } else if (damage == 2) {
                    f.writeBytes(new byte[r.nextInt(40)]);
                }
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips && f.writerIndex() > EthernetFrame.HEADER_LENGTH; k++) {
                    int at = EthernetFrame.HEADER_LENGTH + r.nextInt(f.writerIndex() - EthernetFrame.HEADER_LENGTH);
                    f.setByte(at, r.nextInt(256));
                }
                s.inject(f);
                s.wire.discardAll();
                while (true) {
                    try {
                        s.sockets.recv(fd, new byte[2048], 0, 2048, 0);
                    } catch (org.netstack4j.socket.ErrnoException e) {
                        break;
                    }
                }
            }
            assertEquals(0, s.stack.counters().get(Counter.LINK_IN_ERRORS_CAUGHT));
            ByteBuf random = Unpooled.buffer(64);
            random.writeBytes(new byte[64]);
            s.inject(random);
        }
    }
}
