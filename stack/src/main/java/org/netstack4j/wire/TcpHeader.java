package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A TCP header as a value (RFC 9293 section 3.1); see {@link TcpSegment} for the layout. The checksum is not a
 * field: {@code parse} does not verify it and {@code emit} computes it. Reserved bits are written as zero and
 * ignored on parse.
 *
 * <p>Options and padding: {@code emit} writes the options in order and pads with zero bytes (End of Option List,
 * RFC 9293 3.1 "Padding") to a multiple of 4. {@code parse} reads options up to the end of the header or the
 * first End of Option List, and drops that EOL and every byte after it as padding. So {@code parse} never
 * returns {@link TcpOption.EndOfList}, and {@code parse(emit(h)).equals(h)} holds for every {@code h} whose
 * option list contains no EndOfList.
 *
 * @param sourcePort           0..65535
 * @param destinationPort      0..65535
 * @param sequenceNumber       unsigned 32-bit
 * @param acknowledgmentNumber unsigned 32-bit
 * @param flags                the eight flag bits, e.g. {@code TcpSegment.SYN | TcpSegment.ACK}
 * @param window               0..65535, unscaled
 * @param urgentPointer        0..65535
 * @param options              options in wire order, at most 40 bytes in total
 */
public record TcpHeader(int sourcePort, int destinationPort, long sequenceNumber, long acknowledgmentNumber,
                        int flags, int window, int urgentPointer, List<TcpOption> options) {

    /** Largest option area. */
    public static final int MAX_OPTIONS_LENGTH = 40;

    /** Validates the fields and copies the option list. */
    public TcpHeader {
        options = List.copyOf(options);
        requireRange("source port", sourcePort, 0xFFFF);
        requireRange("destination port", destinationPort, 0xFFFF);
        requireRange("flags", flags, 0xFF);
        requireRange("window", window, 0xFFFF);
        requireRange("urgent pointer", urgentPointer, 0xFFFF);
        if ((sequenceNumber & ~0xFFFF_FFFFL) != 0 || (acknowledgmentNumber & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("TCP sequence and acknowledgment numbers must be unsigned 32-bit: "
                    + sequenceNumber + ", " + acknowledgmentNumber);
        }
        int optionsLength = optionsLength(options);
        if (optionsLength > MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("TCP options need " + optionsLength + " bytes, at most 40 fit");
        }
    }

    private static void requireRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("TCP " + name + " out of range 0.." + max + ": " + value);
        }
    }

    private static int optionsLength(List<TcpOption> options) {
        int sum = 0;
        for (TcpOption option : options) {
            sum += Objects.requireNonNull(option, "option").length();
        }
        return (sum + 3) & ~3;
    }

    /** Reads the header and its options; throws {@link WireFormatException} if {@code check()} fails. */
    public static TcpHeader parse(TcpSegment segment) {
        WireFormatException.throwIf(segment.check(), "TCP segment");
        TcpOptionReader reader = new TcpOptionReader();
        if (!reader.reset(segment)) {
            throw new WireFormatException(WireError.BAD_OPTION, "malformed TCP options");
        }
        List<TcpOption> options = new ArrayList<>();
        while (reader.next()) {
            options.add(TcpOption.read(reader, segment.buffer()));
        }
        return new TcpHeader(segment.sourcePort(), segment.destinationPort(), segment.sequenceNumber(),
                segment.acknowledgmentNumber(), segment.flags(), segment.window(), segment.urgentPointer(),
                options);
    }

    /** True if every bit of {@code flag} is set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** Header length in bytes: 20 plus the options padded to a multiple of 4. */
    public int headerLength() {
        return TcpSegment.MIN_HEADER_LENGTH + optionsLength(options);
    }

    /**
     * Writes {@link #headerLength()} bytes at absolute {@code offset}, then the checksum over the pseudo-header,
     * the header and the {@code payloadLength} data bytes already present after it.
     */
    public void emit(ByteBuf buf, int offset, int payloadLength, int sourceIp, int destinationIp) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        int headerLength = headerLength();
        TcpSegment view = new TcpSegment().wrap(buf, offset, headerLength + payloadLength);
        view.setSourcePort(sourcePort);
        view.setDestinationPort(destinationPort);
        view.setSequenceNumber(sequenceNumber);
        view.setAcknowledgmentNumber(acknowledgmentNumber);
        view.setHeaderLength(headerLength);
        view.setFlags(flags);
        view.setWindow(window);
        view.setUrgentPointer(urgentPointer);
        int i = offset + TcpSegment.OPTIONS;
        for (TcpOption option : options) {
            option.write(buf, i);
            i += option.length();
        }
        buf.setZero(i, offset + headerLength - i);
        view.fillChecksum(sourceIp, destinationIp);
    }
}
