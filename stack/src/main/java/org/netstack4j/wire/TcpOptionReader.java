package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;

/**
 * Reads TCP options in place without allocating (RFC 9293 section 3.1 "Options"; RFC 7323; RFC 2018).
 *
 * <pre>{@code
 * TcpOptionReader options = new TcpOptionReader();   // reusable
 * if (options.reset(segment)) {
 *     while (options.next()) {
 *         switch (options.kind()) {
 *             case TcpOption.KIND_MSS -> mss = options.mss();
 *             case TcpOption.KIND_TIMESTAMPS -> tsVal = options.timestampValue();
 *             default -> { }   // NOP and unknown kinds
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #next} stops at End of Option List; the bytes after it are padding and are not read. NOPs are
 * returned like any other option. The typed accessors throw {@link IllegalStateException} if the current option
 * is of another kind, so they can never read outside it.
 */
public final class TcpOptionReader {

    private ByteBuf buf;
    private int end;
    private int next;
    private int position = -1;
    private int kind = -1;
    private int length;

    /**
     * Checks the option area from absolute {@code start} to {@code end}: every option other than EOL (0) and NOP
     * (1) needs a length byte inside the area, a length of at least 2 that does not run past {@code end}, and the
     * length its kind requires (MSS 4, window scale 3, SACK-permitted 2, SACK 2+8n with n 1..4, timestamps 10).
     * Scanning stops at the first EOL.
     *
     * @return null, or {@link WireError#BAD_OPTION}
     */
    public static WireError validate(ByteBuf buf, int start, int end) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        int i = start;
        while (i < end) {
            int kind = buf.getUnsignedByte(i);
            if (kind == TcpOption.KIND_EOL) {
                return null;
            }
            if (kind == TcpOption.KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return WireError.BAD_OPTION;
            }
            int length = buf.getUnsignedByte(i + 1);
            if (length < 2 || length > end - i || !lengthFits(kind, length)) {
                return WireError.BAD_OPTION;
            }
            i += length;
        }
        return null;
    }

    private static boolean lengthFits(int kind, int length) {
        return switch (kind) {
            case TcpOption.KIND_MSS -> length == TcpOption.Mss.LENGTH;
            case TcpOption.KIND_WINDOW_SCALE -> length == TcpOption.WindowScale.LENGTH;
            case TcpOption.KIND_SACK_PERMITTED -> length == TcpOption.SackPermitted.LENGTH;
            case TcpOption.KIND_SACK -> length >= 10 && length <= 34 && (length - 2) % 8 == 0;
            case TcpOption.KIND_TIMESTAMPS -> length == TcpOption.Timestamps.LENGTH;
            default -> true;
        };
    }

    /**
     * Positions before the first option of {@code segment}.
     *
     * @return false (and nothing to read) if the header length or the options are malformed
     */
    public boolean reset(TcpSegment segment) {
        int headerLength = segment.headerLength();
        if (segment.length() < TcpSegment.MIN_HEADER_LENGTH || headerLength < TcpSegment.MIN_HEADER_LENGTH
                || headerLength > segment.length()) {
            return fail();
        }
        return reset(segment.buffer(), segment.optionsOffset(), segment.payloadOffset());
    }

    /**
     * Positions before the first option of the area from absolute {@code start} to {@code end}.
     *
     * @return false (and nothing to read) if the options are malformed
     */
    public boolean reset(ByteBuf buf, int start, int end) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        if (validate(buf, start, end) != null) {
            return fail();
        }
        this.buf = buf;
        this.next = start;
        this.end = end;
        this.position = -1;
        this.kind = -1;
        return true;
    }

    private boolean fail() {
        this.buf = null;
        this.next = 0;
        this.end = 0;
        this.position = -1;
        this.kind = -1;
        return false;
    }

    /** Moves to the next option; false at the end of the area or at End of Option List. */
    public boolean next() {
        if (next >= end || buf.getUnsignedByte(next) == TcpOption.KIND_EOL) {
            next = end;
            position = -1;
            kind = -1;
            return false;
        }
        position = next;
        kind = buf.getUnsignedByte(position);
        length = kind == TcpOption.KIND_NOP ? 1 : buf.getUnsignedByte(position + 1);
        next = position + length;
        return true;
    }

    /** Kind of the current option, e.g. {@link TcpOption#KIND_MSS}. */
    public int kind() {
        return kind;
    }

    /** Total length of the current option including kind (and length) bytes. */
    public int length() {
        return length;
    }

    /** Absolute index of the current option's data (after kind and length). */
    public int dataOffset() {
        return position + 2;
    }

    /** Bytes of data of the current option (0 for NOP). */
    public int dataLength() {
        return kind == TcpOption.KIND_NOP ? 0 : length - 2;
    }

    /** Maximum segment size of the current MSS option (RFC 9293 section 3.7.1). */
    public int mss() {
        require(TcpOption.KIND_MSS);
        return buf.getUnsignedShort(position + 2);
    }

    /** Shift count of the current window-scale option as sent (RFC 7323 section 2.2; not clamped). */
    public int windowShift() {
        require(TcpOption.KIND_WINDOW_SCALE);
        return buf.getUnsignedByte(position + 2);
    }

    /** Number of blocks (1..4) of the current SACK option (RFC 2018 section 3). */
    public int sackBlockCount() {
        require(TcpOption.KIND_SACK);
        return (length - 2) / 8;
    }

    /** Left edge of SACK block {@code i} of the current SACK option, unsigned 32-bit. */
    public long sackLeft(int i) {
        return buf.getUnsignedInt(sackBlock(i));
    }

    /** Right edge of SACK block {@code i} of the current SACK option, unsigned 32-bit. */
    public long sackRight(int i) {
        return buf.getUnsignedInt(sackBlock(i) + 4);
    }

    private int sackBlock(int i) {
        if (i < 0 || i >= sackBlockCount()) {
            throw new IndexOutOfBoundsException("SACK block " + i + " of " + sackBlockCount());
        }
        return position + 2 + 8 * i;
    }

    /** TSval of the current timestamps option (RFC 7323 section 3.2). */
    public long timestampValue() {
        require(TcpOption.KIND_TIMESTAMPS);
        return buf.getUnsignedInt(position + 2);
    }

    /** TSecr of the current timestamps option (RFC 7323 section 3.2). */
    public long timestampEchoReply() {
        require(TcpOption.KIND_TIMESTAMPS);
        return buf.getUnsignedInt(position + 6);
    }

    private void require(int expected) {
        if (kind != expected) {
            throw new IllegalStateException("current TCP option is kind " + kind + ", not " + expected);
        }
    }
}
