package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.link.DeviceWrapper;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.TwoStacks;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.InternetChecksum;
import org.netstack4j.wire.Ipv4Packet;

/**
 * Large segments leave without their payload being copied into the frame when the device completes TCP checksums
 * (a TAP with offloads): the frame is a header buffer followed by slices of the send queue's chunks, which the
 * TAP gathers with writev(2). The bytes must still arrive exactly, small segments keep the plain copied frame,
 * and without the device's agreement nothing changes. Leaks fail the test (paranoid leak detector).
 */
class TcpScatteredSendTest {
    private static final int IP = EthernetFrame.HEADER_LENGTH;

    /**
     * A's device: agrees to complete TCP checksums and completes them as the kernel does with NEEDS_CSUM (sums from
     * the TCP header to the end over the pseudo-header sum left in the field), into a plain frame for the link.
     * Counts the TCP frames it saw, by payload size and by whether they came in parts.
     */
    static final class ChecksumCompletingDevice extends DeviceWrapper {
        final boolean offload;
        int largeSegments;
        int largeScattered;
        int smallScattered;

        ChecksumCompletingDevice(NetworkDevice inner, boolean offload) {
            super(inner);
            this.offload = offload;
        }

        @Override
        public boolean enableTcpChecksumOffload() {
            return offload;
        }

        @Override
        public void transmit(ByteBuf frame) {
            if (frame.getUnsignedShort(12) != EthernetFrame.TYPE_IPV4 || frame.getUnsignedByte(IP + 9) != Ipv4Packet.PROTO_TCP) {
                super.transmit(frame);
                return;
            }
            int ipHeader = (frame.getUnsignedByte(IP) & 0x0F) * 4;
            int tcp = IP + ipHeader;
            int tcpLength = frame.getUnsignedShort(IP + 2) - ipHeader;
            int payload = tcpLength - (frame.getUnsignedByte(tcp + 12) >>> 4) * 4;
            boolean scattered = frame instanceof CompositeByteBuf c && c.numComponents() > 1;
            if (payload >= TcpLayer.SCATTER_MIN_PAYLOAD) {
                largeSegments++;
                largeScattered += scattered ? 1 : 0;
            } else {
                smallScattered += scattered ? 1 : 0;
            }
            ByteBuf flat = frame.alloc().directBuffer(frame.readableBytes());
            flat.writeBytes(frame, frame.readerIndex(), frame.readableBytes());
            frame.release();
            if (offload) {
                flat.setShort(tcp + 16, InternetChecksum.finish(InternetChecksum.accumulate(flat, tcp, tcpLength, 0)));
            }
            super.transmit(flat);
        }
    }

    /** Sends {@code bytes} from A to B over a cable of {@code mtu}; returns A's device. */
    private static ChecksumCompletingDevice send(int mtu, boolean offload, int bytes) throws Exception {
        ChecksumCompletingDevice[] device = new ChecksumCompletingDevice[1];
        try (TwoStacks net = TwoStacks.create(mtu, d -> device[0] = new ChecksumCompletingDevice(d, offload))) {
            TcpTransferTest.Connected conn = TcpTransferTest.Connected.open(net, 4);
            TcpTransferTest.Pump ab = new TcpTransferTest.Pump(net.socketsA, conn.client(), net.socketsB,
                    conn.server(), bytes, 7);
            assertTrue(net.sim.runUntil(() -> {
                ab.step();
                return ab.done();
            }, Duration.ofMinutes(10)), "transfer stalled at " + ab.received + " of " + bytes);
            assertArrayEquals(ab.sentDigest.digest(), ab.receivedDigest.digest(), "SHA-256 of what B received");
            assertEquals(0, net.b.counters().get(Counter.TCP_IN_CSUM_ERRORS), "a completed checksum was wrong");
            assertEquals(offload, net.a.tcpChecksumOffload());
        }
        return device[0];
    }

    @Test
    void withTheOffloadLargeSegmentsGoOutAsSlicesAndArriveExactly() throws Exception {
        ChecksumCompletingDevice d = send(65520, true, 8 * 1024 * 1024);
        assertTrue(d.largeSegments > 100, "expected full-sized segments at MTU 65520, saw " + d.largeSegments);
        assertEquals(d.largeSegments, d.largeScattered, "every large segment should leave in parts");
        assertEquals(0, d.smallScattered, "small segments are copied into one buffer");
    }

    @Test
    void withoutTheOffloadEveryFrameIsOneBuffer() throws Exception {
        ChecksumCompletingDevice d = send(65520, false, 2 * 1024 * 1024);
        assertTrue(d.largeSegments > 20, "saw " + d.largeSegments + " large segments");
        assertEquals(0, d.largeScattered + d.smallScattered, "the checksum reads the payload anyway: no slices");
    }
}
