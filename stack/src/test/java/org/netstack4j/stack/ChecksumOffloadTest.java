package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;
import static org.netstack4j.socket.SocketConstants.SOCK_NONBLOCK;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.link.DeviceWrapper;
import org.netstack4j.link.FrameReceiver;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapRecordingDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CapturingDevice;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.InternetChecksum;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpSegment;
import org.netstack4j.wire.UdpDatagram;

/**
 * Checksum offload in both directions. On receive, a device may vouch for a frame's TCP/UDP checksum (a TAP
 * whose kernel marked the frame NEEDS_CSUM or DATA_VALID): the stack then skips that sum, and only that one.
 * On transmit, a device that agrees to complete TCP checksums gets segments whose checksum field holds the
 * pseudo-header sum, which completed as the kernel would gives the right checksum.
 */
class ChecksumOffloadTest {
    private static final int PORT = 4000;
    private static final int IP = EthernetFrame.HEADER_LENGTH;
    private static final int TRANSPORT = IP + Ipv4Packet.MIN_HEADER_LENGTH;

    /** A UDP datagram to our port whose checksum field is off by one. */
    private static ByteBuf udpWithBadChecksum(byte[] data) {
        byte[] udp = Frames.udp(OneStack.PEER, 999, OneStack.US, PORT, data);
        udp[7] ^= 1;
        return Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC,
                Ipv4Header.of(Ipv4Packet.PROTO_UDP, OneStack.PEER, OneStack.US, udp.length, 64, 1), udp);
    }

    /** A SYN to port 80 whose checksum field is off by one. */
    private static ByteBuf synWithBadChecksum() {
        TcpHeader h = new TcpHeader(40_000, 80, 1000, 0, TcpSegment.SYN, 65535, 0, List.of());
        ByteBuf b = io.netty.buffer.Unpooled.buffer(h.headerLength());
        h.emit(b, 0, 0, OneStack.PEER.bits(), OneStack.US.bits());
        b.writerIndex(h.headerLength());
        byte[] tcp = Frames.drain(b);
        tcp[17] ^= 1;
        return Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC,
                Ipv4Header.of(Ipv4Packet.PROTO_TCP, OneStack.PEER, OneStack.US, tcp.length, 64, 1), tcp);
    }

    private static int boundUdp(OneStack s) {
        int fd = s.sockets.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        s.sockets.bind(fd, new SockAddrIn(OneStack.US, PORT));
        return fd;
    }

    @Test
    void aVouchedForUdpChecksumIsNotSummedAndAnUnvouchedOneIs() {
        try (OneStack s = new OneStack()) {
            boundUdp(s);
            s.stack.receive(udpWithBadChecksum(new byte[] {1, 2, 3}), true);
            assertEquals(1, s.stack.counters().get(Counter.UDP_IN_DATAGRAMS), "the device's promise was ignored");
            assertEquals(0, s.stack.counters().get(Counter.UDP_IN_CSUM_ERRORS));
            s.stack.receive(udpWithBadChecksum(new byte[] {1, 2, 3}), false);
            s.inject(udpWithBadChecksum(new byte[] {1, 2, 3}));
            assertEquals(2, s.stack.counters().get(Counter.UDP_IN_CSUM_ERRORS), "no promise, so it must be checked");
            assertEquals(1, s.stack.counters().get(Counter.UDP_IN_DATAGRAMS));
        }
    }

    @Test
    void aVouchedForTcpChecksumIsNotSummedAndAnUnvouchedOneIs() {
        try (OneStack s = new OneStack()) {
            s.learnPeer();
            int fd = s.sockets.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            s.sockets.bind(fd, new SockAddrIn(OneStack.US, 80));
            s.sockets.listen(fd, 8);
            s.inject(synWithBadChecksum());
            assertEquals(1, s.stack.counters().get(Counter.TCP_IN_CSUM_ERRORS));
            assertEquals(0, s.wire.pending(), "a SYN with a bad checksum got an answer");
            s.stack.receive(synWithBadChecksum(), true);
            ByteBuf synAck = s.wire.take();
            assertNotNull(synAck, "the vouched-for SYN got no SYN-ACK");
            try {
                assertEquals(TcpSegment.SYN | TcpSegment.ACK, synAck.getUnsignedByte(TRANSPORT + 13) & 0x3F);
            } finally {
                synAck.release();
            }
            assertEquals(1, s.stack.counters().get(Counter.TCP_IN_CSUM_ERRORS));
        }
    }

    @Test
    void thePromiseCoversTheTransportChecksumOnlyNotTheIpHeader() {
        try (OneStack s = new OneStack()) {
            boundUdp(s);
            ByteBuf f = udpWithBadChecksum(new byte[] {9});
            f.setByte(IP + 10, f.getByte(IP + 10) ^ 1);
            s.stack.receive(f, true);
            assertEquals(1, s.stack.counters().get(Counter.IP_IN_CSUM_ERRORS));
            assertEquals(0, s.stack.counters().get(Counter.UDP_IN_DATAGRAMS));
        }
    }

    @Test
    void aReassembledDatagramIsVerifiedWhateverItsFragmentsWerePromised() {
        try (OneStack s = new OneStack()) {
            boundUdp(s);
            byte[] udp = Frames.udp(OneStack.PEER, 999, OneStack.US, PORT, new byte[1992]);
            udp[7] ^= 1;
            s.stack.receive(Frames.fragment(OneStack.US_MAC, OneStack.PEER_MAC, OneStack.PEER, OneStack.US,
                    Ipv4Packet.PROTO_UDP, 5, 0, true, Arrays.copyOfRange(udp, 0, 1000)), true);
            s.stack.receive(Frames.fragment(OneStack.US_MAC, OneStack.PEER_MAC, OneStack.PEER, OneStack.US,
                    Ipv4Packet.PROTO_UDP, 5, 1000, false, Arrays.copyOfRange(udp, 1000, udp.length)), true);
            assertEquals(1, s.stack.counters().get(Counter.IP_REASM_OKS));
            assertEquals(1, s.stack.counters().get(Counter.UDP_IN_CSUM_ERRORS));
            assertEquals(0, s.stack.counters().get(Counter.UDP_IN_DATAGRAMS));
        }
    }

    /** Opens a connection to the peer and returns the SYN the stack sent (the caller releases it). */
    private static ByteBuf syn(OneStack s) {
        s.learnPeer();
        int fd = s.sockets.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        try {
            s.sockets.connect(fd, new SockAddrIn(OneStack.PEER, 80));
        } catch (ErrnoException inProgress) {
            // EINPROGRESS: the SYN is out.
        }
        ByteBuf syn = s.wire.take();
        assertNotNull(syn, "no SYN");
        return syn;
    }

    private static int tcpLength(ByteBuf frame) {
        return frame.getUnsignedShort(IP + 2) - Ipv4Packet.MIN_HEADER_LENGTH;
    }

    private static boolean tcpChecksumValid(ByteBuf frame) {
        return new TcpSegment().wrap(frame, TRANSPORT, tcpLength(frame))
                .checksumValid(OneStack.US.bits(), OneStack.PEER.bits());
    }

    @Test
    void withTheOffloadTcpLeavesThePseudoHeaderSumWhichCompletesToTheRightChecksum() {
        try (OneStack s = new OneStack(new CapturingDevice(1500, true), d -> d, b -> b)) {
            ByteBuf syn = syn(s);
            try {
                int length = tcpLength(syn);
                int field = syn.getUnsignedShort(TRANSPORT + 16);
                assertEquals(InternetChecksum.pseudoHeader(OneStack.US.bits(), OneStack.PEER.bits(),
                        Ipv4Packet.PROTO_TCP, length), field, "not the folded pseudo-header sum");
                assertFalse(tcpChecksumValid(syn), "a partial checksum should not verify as it is");
                // What the kernel does with NEEDS_CSUM: sum from csum_start to the end, complement, store.
                syn.setShort(TRANSPORT + 16, InternetChecksum.finish(InternetChecksum.accumulate(syn, TRANSPORT,
                        length, 0)));
                assertTrue(tcpChecksumValid(syn), "the completed checksum is wrong");
            } finally {
                syn.release();
            }
        }
    }

    @Test
    void withoutTheOffloadAndForOtherProtocolsChecksumsStayComplete() {
        try (OneStack s = new OneStack()) {
            ByteBuf syn = syn(s);
            try {
                assertTrue(tcpChecksumValid(syn));
            } finally {
                syn.release();
            }
        }
        try (OneStack s = new OneStack(new CapturingDevice(1500, true), d -> d, b -> b)) {
            s.learnPeer();
            int fd = s.sockets.socket(AF_INET, SOCK_DGRAM, 0);
            s.sockets.sendto(fd, new byte[] {1, 2, 3}, 0, 3, 0, new SockAddrIn(OneStack.PEER, 9));
            ByteBuf datagram = s.wire.take();
            try {
                assertNotNull(datagram);
                assertTrue(new UdpDatagram().wrap(datagram, TRANSPORT, 11)
                        .checksumValid(OneStack.US.bits(), OneStack.PEER.bits()), "UDP is not offloaded");
            } finally {
                datagram.release();
            }
        }
    }

    @Test
    void aRecordingKeepsChecksumsCompleteEvenOverAnOffloadingDevice() throws IOException {
        ByteArrayOutputStream capture = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(capture);
             OneStack s = new OneStack(new CapturingDevice(1500, true),
                     d -> new PcapRecordingDevice(d, writer, () -> 0L), b -> b)) {
            ByteBuf syn = syn(s);
            try {
                assertTrue(tcpChecksumValid(syn), "the capture would show a partial checksum");
            } finally {
                syn.release();
            }
        }
        assertNotEquals(0, capture.size());
    }

    /** A device that hands whatever frames the test pushes to the receiver it was started with. */
    private static final class PushDevice implements NetworkDevice {
        FrameReceiver receiver;

        @Override
        public String name() {
            return "push0";
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public boolean enableTcpChecksumOffload() {
            return true;
        }

        @Override
        public void start(FrameReceiver r) {
            receiver = r;
        }

        @Override
        public void transmit(ByteBuf frame) {
            frame.release();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aWrapperPassesTheDevicesPromiseAndItsOffloadAlong() {
        PushDevice inner = new PushDevice();
        NetworkDevice wrapper = new DeviceWrapper(inner) {
        };
        List<Boolean> promises = new ArrayList<>();
        wrapper.start(new FrameReceiver() {
            @Override
            public void receive(ByteBuf frame) {
                receive(frame, false);
            }

            @Override
            public void receive(ByteBuf frame, boolean verified) {
                promises.add(verified);
                frame.release();
            }
        });
        inner.receiver.receive(io.netty.buffer.Unpooled.buffer(1), true);
        inner.receiver.receive(io.netty.buffer.Unpooled.buffer(1));
        inner.receiver.receive(io.netty.buffer.Unpooled.buffer(1), false);
        assertEquals(List.of(true, false, false), promises);
        assertTrue(wrapper.enableTcpChecksumOffload());
    }
}
