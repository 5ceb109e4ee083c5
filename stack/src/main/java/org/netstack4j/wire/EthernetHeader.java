package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * An Ethernet II header as a value; see {@link EthernetFrame} for the layout.
 *
 * @param destination destination MAC
 * @param source      source MAC
 * @param etherType   0..0xFFFF, e.g. {@link EthernetFrame#TYPE_IPV4}
 */
public record EthernetHeader(MacAddress destination, MacAddress source, int etherType) {

    /** Length of the header on the wire. */
    public static final int LENGTH = EthernetFrame.HEADER_LENGTH;

    /** Validates the fields. */
    public EthernetHeader {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(source, "source");
        if ((etherType & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("EtherType out of range 0..0xFFFF: " + etherType);
        }
    }

    /** Reads the header of a frame. */
    public static EthernetHeader parse(EthernetFrame frame) {
        WireFormatException.throwIf(frame.check(), "Ethernet frame");
        return new EthernetHeader(new MacAddress(frame.destination()), new MacAddress(frame.source()),
                frame.etherType());
    }

    /** Writes the 14 header bytes at absolute {@code offset}. */
    public void emit(ByteBuf buf, int offset) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        destination.write(buf, offset + EthernetFrame.DESTINATION);
        source.write(buf, offset + EthernetFrame.SOURCE);
        buf.setShort(offset + EthernetFrame.ETHER_TYPE, etherType);
    }
}
