package org.netstack4j.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.ArpPacket;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.IcmpHeader;
import org.netstack4j.wire.IcmpPacket;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.MacAddress;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOption;
import org.netstack4j.wire.TcpSegment;
import org.netstack4j.wire.UdpDatagram;
import org.netstack4j.wire.UdpHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Parse + emit rate per header type: each benchmark checks a view over a prepared header, parses it into its
 * record and emits the record into a second buffer — one round trip of the symmetrical wire path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WireBench {
    private static final Ipv4Address SRC = Ipv4Address.parse("10.0.0.1");
    private static final Ipv4Address DST = Ipv4Address.parse("10.0.0.2");
    private ByteBuf eth;
    private ByteBuf arp;
    private ByteBuf ip;
    private ByteBuf icmp;
    private ByteBuf udp;
    private ByteBuf tcp;
    private ByteBuf out;
    private final EthernetFrame ethView = new EthernetFrame();
    private final ArpPacket arpView = new ArpPacket();
    private final Ipv4Packet ipView = new Ipv4Packet();
    private final IcmpPacket icmpView = new IcmpPacket();
    private final UdpDatagram udpView = new UdpDatagram();
    private final TcpSegment tcpView = new TcpSegment();

    /** Prepares one valid header of each type (with a small payload where a checksum covers it). */
    @Setup
    public void setup() {
        out = Unpooled.directBuffer(2048);
        eth = Unpooled.directBuffer(64);
        new EthernetHeader(MacAddress.BROADCAST, MacAddress.parse("02:00:00:00:00:01"), EthernetFrame.TYPE_IPV4)
                .emit(eth, 0);
        eth.writerIndex(14);
        arp = Unpooled.directBuffer(64);
        new ArpMessage(ArpPacket.OP_REQUEST, MacAddress.parse("02:00:00:00:00:01"), SRC, MacAddress.ZERO, DST)
                .emit(arp, 0);
        arp.writerIndex(ArpPacket.LENGTH);
        ip = Unpooled.directBuffer(64);
        Ipv4Header.of(Ipv4Packet.PROTO_UDP, SRC, DST, 0, 64, 1).emit(ip, 0);
        ip.writerIndex(20);
        icmp = Unpooled.directBuffer(128);
        icmp.setZero(8, 56);
        IcmpHeader.echoRequest(1, 1).emit(icmp, 0, 56);
        icmp.writerIndex(64);
        udp = Unpooled.directBuffer(128);
        udp.setZero(8, 64);
        new UdpHeader(1234, 7, 72).emit(udp, 0, SRC.bits(), DST.bits());
        udp.writerIndex(72);
        tcp = Unpooled.directBuffer(128);
        new TcpHeader(40000, 80, 1, 0, TcpSegment.SYN, 65535, 0, List.of(new TcpOption.Mss(1460),
                new TcpOption.SackPermitted(), new TcpOption.Timestamps(1, 0), new TcpOption.Nop(),
                new TcpOption.WindowScale(7))).emit(tcp, 0, 0, SRC.bits(), DST.bits());
        tcp.writerIndex(40);
    }

    /** Releases the buffers. */
    @TearDown
    public void tearDown() {
        for (ByteBuf b : new ByteBuf[] {eth, arp, ip, icmp, udp, tcp, out}) {
            b.release();
        }
    }

    /** Ethernet II. */
    @Benchmark
    public int ethernet() {
        ethView.wrap(eth, 0, 14).check();
        EthernetHeader.parse(ethView).emit(out, 0);
        return out.getByte(13);
    }

    /** ARP request. */
    @Benchmark
    public int arp() {
        arpView.wrap(arp, 0, ArpPacket.LENGTH).check();
        ArpMessage.parse(arpView).emit(out, 0);
        return out.getByte(27);
    }

    /** IPv4 header with checksum verification and computation. */
    @Benchmark
    public Object ipv4() {
        ipView.wrap(ip, 0, 20).check();
        Ipv4Header.parse(ipView).emit(out, 0);
        return out.getByte(11);
    }

    /** ICMP echo request, checksum over 56 data bytes both ways. */
    @Benchmark
    public int icmp() {
        icmpView.wrap(icmp, 0, 64).check();
        IcmpHeader.parse(icmpView).emit(icmp, 0, 56);
        return icmp.getByte(3);
    }

    /** UDP with pseudo-header checksum over 64 data bytes both ways. */
    @Benchmark
    public int udp() {
        udpView.wrap(udp, 0, 72).check();
        udpView.checksumValid(SRC.bits(), DST.bits());
        UdpHeader.parse(udpView).emit(udp, 0, SRC.bits(), DST.bits());
        return udp.getByte(7);
    }

    /** TCP SYN with MSS, SACK-permitted, timestamps and window-scale options. */
    @Benchmark
    public int tcp() {
        tcpView.wrap(tcp, 0, 40).check();
        TcpHeader.parse(tcpView).emit(tcp, 0, 0, SRC.bits(), DST.bits());
        return tcp.getByte(17);
    }
}
