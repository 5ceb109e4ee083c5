package org.netstack4j.wire;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid wire records for the round-trip properties. */
final class WireArbitraries {

    private WireArbitraries() {
    }

    static Arbitrary<Integer> u8() {
        return Arbitraries.integers().between(0, 0xFF);
    }

    static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    static Arbitrary<Long> u32() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
    }

    static Arbitrary<MacAddress> macs() {
        return Arbitraries.longs().between(0, MacAddress.MASK).map(MacAddress::new);
    }

    static Arbitrary<Ipv4Address> ipv4s() {
        return Arbitraries.integers().map(Ipv4Address::new);
    }

    static Arbitrary<Bytes> bytes(int minLength, int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(minLength).ofMaxSize(maxLength).map(Bytes::of);
    }

    static Arbitrary<EthernetHeader> ethernetHeaders() {
        return Combinators.combine(macs(), macs(), u16()).as(EthernetHeader::new);
    }

    static Arbitrary<ArpMessage> arpMessages() {
        return Combinators.combine(u16(), macs(), ipv4s(), macs(), ipv4s()).as(ArpMessage::new);
    }

    static Arbitrary<Ipv4Header> ipv4Headers() {
        Arbitrary<Bytes> options = Arbitraries.integers().between(0, 10).flatMap(words -> bytes(words * 4, words * 4));
        return options.flatMap(opts -> {
            int headerLength = Ipv4Packet.MIN_HEADER_LENGTH + opts.length();
            Arbitrary<Integer> totals = Arbitraries.oneOf(Arbitraries.integers().between(headerLength, 1500),
                    Arbitraries.integers().between(headerLength, 0xFFFF));
            return totals.flatMap(total -> {
                int maxUnits = Math.min(0x1FFF, (0xFFFF - (total - headerLength)) / 8);
                Arbitrary<Integer> fragment = Arbitraries.integers().between(0, maxUnits).map(units -> units * 8);
                return Combinators.combine(fragment, u8(), u16(), Arbitraries.of(0, 1, 2, 3), u8(), u8(),
                        ipv4s().tuple2()).as((frag, tos, id, flags, ttl, protocol, addresses) ->
                        new Ipv4Header(tos, total, id, (flags & 2) != 0, (flags & 1) != 0, frag, ttl, protocol,
                                addresses.get1(), addresses.get2(), opts));
            });
        });
    }

    static Arbitrary<IcmpHeader> icmpHeaders() {
        return Combinators.combine(u8(), u8(), Arbitraries.integers()).as(IcmpHeader::new);
    }

    static Arbitrary<UdpHeader> udpHeaders() {
        return Combinators.combine(u16(), u16(), Arbitraries.integers().between(8, 1500)).as(UdpHeader::new);
    }

    static Arbitrary<TcpOption> tcpOptions() {
        Arbitrary<SackBlock> blocks = Combinators.combine(u32(), u32()).as(SackBlock::new);
        Arbitrary<Integer> unknownKinds = Arbitraries.integers().between(6, 255).filter(k -> k != 8);
        return Arbitraries.oneOf(
                u16().map(TcpOption.Mss::new),
                u8().map(TcpOption.WindowScale::new),
                Arbitraries.just(TcpOption.SackPermitted.INSTANCE),
                blocks.list().ofMinSize(1).ofMaxSize(4).map(TcpOption.Sack::new),
                Combinators.combine(u32(), u32()).as(TcpOption.Timestamps::new),
                Arbitraries.just(TcpOption.Nop.INSTANCE),
                Combinators.combine(unknownKinds, bytes(0, 12)).as(TcpOption.Unknown::new));
    }

    /** Option lists without EndOfList that fit in 40 bytes. */
    static Arbitrary<List<TcpOption>> tcpOptionLists() {
        return tcpOptions().list().ofMaxSize(8)
                .filter(list -> list.stream().mapToInt(TcpOption::length).sum() <= TcpHeader.MAX_OPTIONS_LENGTH);
    }

    static Arbitrary<TcpHeader> tcpHeaders() {
        return Combinators.combine(u16(), u16(), u32(), u32(), u8(), u16(), u16(), tcpOptionLists())
                .as(TcpHeader::new);
    }
}
