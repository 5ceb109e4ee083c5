/**
 * Wire formats: for each header a flyweight view over a Netty {@link io.netty.buffer.ByteBuf} and an immutable
 * record.
 *
 * <p>Views ({@link org.netstack4j.wire.EthernetFrame}, {@link org.netstack4j.wire.ArpPacket},
 * {@link org.netstack4j.wire.Ipv4Packet}, {@link org.netstack4j.wire.IcmpPacket},
 * {@link org.netstack4j.wire.UdpDatagram}, {@link org.netstack4j.wire.TcpSegment}) are reused through
 * {@code wrap()}, use absolute accessors only, never allocate and never move reader or writer indexes. Their
 * {@code check()} validates lengths and structure and returns {@code null} or the first {@link
 * org.netstack4j.wire.WireError}; after it returns {@code null} no accessor reads outside the wrapped range.
 * All offsets a view returns ({@code payloadOffset()}, {@code optionsOffset()}) are absolute buffer indexes.
 *
 * <p>Records ({@link org.netstack4j.wire.EthernetHeader}, {@link org.netstack4j.wire.ArpMessage},
 * {@link org.netstack4j.wire.Ipv4Header}, {@link org.netstack4j.wire.IcmpHeader},
 * {@link org.netstack4j.wire.UdpHeader}, {@link org.netstack4j.wire.TcpHeader}) validate their fields in the
 * constructor, are built from a view by {@code parse} and written back by {@code emit}; for every valid record
 * {@code parse(view(emit(r))).equals(r)}. {@code parse} throws only {@link org.netstack4j.wire.WireFormatException}.
 */
package org.netstack4j.wire;
