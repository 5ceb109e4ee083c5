package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;

/**
 * One TCP option as a value (RFC 9293 section 3.1 and 3.2). Each knows its wire {@link #length()} and writes
 * itself with {@link #write}. Use {@link TcpOptionReader} on the hot path instead.
 */
public sealed interface TcpOption {

    /** End of Option List (RFC 9293 3.1). */
    int KIND_EOL = 0;
    /** No-Operation (RFC 9293 3.1). */
    int KIND_NOP = 1;
    /** Maximum Segment Size (RFC 9293 3.1). */
    int KIND_MSS = 2;
    /** Window Scale (RFC 7323 2.2). */
    int KIND_WINDOW_SCALE = 3;
    /** SACK-Permitted (RFC 2018 2). */
    int KIND_SACK_PERMITTED = 4;
    /** SACK (RFC 2018 3). */
    int KIND_SACK = 5;
    /** Timestamps (RFC 7323 3.2). */
    int KIND_TIMESTAMPS = 8;

    /** Option kind byte. */
    int kind();

    /** Bytes on the wire, including kind and length bytes. */
    int length();

    /** Writes the option at absolute {@code index}. */
    void write(ByteBuf buf, int index);

    /** Reads the option the reader is positioned on. */
    static TcpOption read(TcpOptionReader reader, ByteBuf buf) {
        return switch (reader.kind()) {
            case KIND_NOP -> Nop.INSTANCE;
            case KIND_MSS -> new Mss(reader.mss());
            case KIND_WINDOW_SCALE -> new WindowScale(reader.windowShift());
            case KIND_SACK_PERMITTED -> SackPermitted.INSTANCE;
            case KIND_SACK -> {
                SackBlock[] blocks = new SackBlock[reader.sackBlockCount()];
                for (int i = 0; i < blocks.length; i++) {
                    blocks[i] = new SackBlock(reader.sackLeft(i), reader.sackRight(i));
                }
                yield new Sack(List.of(blocks));
            }
            case KIND_TIMESTAMPS -> new Timestamps(reader.timestampValue(), reader.timestampEchoReply());
            default -> new Unknown(reader.kind(), Bytes.copyOf(buf, reader.dataOffset(), reader.dataLength()));
        };
    }

    /**
     * Maximum Segment Size.
     *
     * @param mss 0..65535
     */
    record Mss(int mss) implements TcpOption {
        /** Wire length. */
        public static final int LENGTH = 4;

        /** Validates the range. */
        public Mss {
            if ((mss & ~0xFFFF) != 0) {
                throw new IllegalArgumentException("MSS out of range 0..65535: " + mss);
            }
        }

        @Override
        public int kind() {
            return KIND_MSS;
        }

        @Override
        public int length() {
            return LENGTH;
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, KIND_MSS);
            buf.setByte(index + 1, LENGTH);
            buf.setShort(index + 2, mss);
        }
    }

    /**
     * Window Scale, as sent; values above 14 are legal on the wire and clamped by the receiver (RFC 7323 2.3).
     *
     * @param shift 0..255
     */
    record WindowScale(int shift) implements TcpOption {
        /** Wire length. */
        public static final int LENGTH = 3;
        /** Largest shift a receiver uses (RFC 7323 section 2.3). */
        public static final int MAX_SHIFT = 14;

        /** Validates the range. */
        public WindowScale {
            if ((shift & ~0xFF) != 0) {
                throw new IllegalArgumentException("window scale shift out of range 0..255: " + shift);
            }
        }

        /** The shift to use: min(shift, 14) (RFC 7323 section 2.3). */
        public int effectiveShift() {
            return Math.min(shift, MAX_SHIFT);
        }

        @Override
        public int kind() {
            return KIND_WINDOW_SCALE;
        }

        @Override
        public int length() {
            return LENGTH;
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, KIND_WINDOW_SCALE);
            buf.setByte(index + 1, LENGTH);
            buf.setByte(index + 2, shift);
        }
    }

    /** SACK-Permitted (RFC 2018 section 2). */
    record SackPermitted() implements TcpOption {
        /** Wire length. */
        public static final int LENGTH = 2;
        /** The only value. */
        public static final SackPermitted INSTANCE = new SackPermitted();

        @Override
        public int kind() {
            return KIND_SACK_PERMITTED;
        }

        @Override
        public int length() {
            return LENGTH;
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, KIND_SACK_PERMITTED);
            buf.setByte(index + 1, LENGTH);
        }
    }

    /**
     * SACK (RFC 2018 section 3).
     *
     * @param blocks 1..4 blocks
     */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        /** Validates the block count and makes the list immutable. */
        public Sack {
            blocks = List.copyOf(blocks);
            if (blocks.isEmpty() || blocks.size() > 4) {
                throw new IllegalArgumentException("SACK option needs 1..4 blocks: " + blocks.size());
            }
        }

        @Override
        public int kind() {
            return KIND_SACK;
        }

        @Override
        public int length() {
            return 2 + 8 * blocks.size();
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, KIND_SACK);
            buf.setByte(index + 1, length());
            int i = index + 2;
            for (SackBlock block : blocks) {
                buf.setInt(i, (int) block.left());
                buf.setInt(i + 4, (int) block.right());
                i += 8;
            }
        }
    }

    /**
     * Timestamps (RFC 7323 section 3.2).
     *
     * @param value     TSval, unsigned 32-bit
     * @param echoReply TSecr, unsigned 32-bit
     */
    record Timestamps(long value, long echoReply) implements TcpOption {
        /** Wire length. */
        public static final int LENGTH = 10;

        /** Validates the ranges. */
        public Timestamps {
            if ((value & ~0xFFFF_FFFFL) != 0 || (echoReply & ~0xFFFF_FFFFL) != 0) {
                throw new IllegalArgumentException("timestamps must be unsigned 32-bit: " + value + ", "
                        + echoReply);
            }
        }

        @Override
        public int kind() {
            return KIND_TIMESTAMPS;
        }

        @Override
        public int length() {
            return LENGTH;
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, KIND_TIMESTAMPS);
            buf.setByte(index + 1, LENGTH);
            buf.setInt(index + 2, (int) value);
            buf.setInt(index + 6, (int) echoReply);
        }
    }

    /** No-Operation, one byte, used to align options. */
    record Nop() implements TcpOption {
        /** The only value. */
        public static final Nop INSTANCE = new Nop();

        @Override
        public int kind() {
            return KIND_NOP;
        }

        @Override
        public int length() {
            return 1;
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, KIND_NOP);
        }
    }

    /** End of Option List, one zero byte. Never produced by {@link TcpHeader#parse}: see there. */
    record EndOfList() implements TcpOption {
        /** The only value. */
        public static final EndOfList INSTANCE = new EndOfList();

        @Override
        public int kind() {
            return KIND_EOL;
        }

        @Override
        public int length() {
            return 1;
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, KIND_EOL);
        }
    }

    /**
     * An option of a kind this stack does not interpret, kept raw.
     *
     * @param kind a kind other than those with a record here (0, 1, 2, 3, 4, 5, 8)
     * @param data the bytes after the length byte, at most 38
     */
    record Unknown(int kind, Bytes data) implements TcpOption {
        /** Validates the kind and data size. */
        public Unknown {
            Objects.requireNonNull(data, "data");
            if ((kind & ~0xFF) != 0 || kind == KIND_EOL || kind == KIND_NOP || kind == KIND_MSS
                    || kind == KIND_WINDOW_SCALE || kind == KIND_SACK_PERMITTED || kind == KIND_SACK
                    || kind == KIND_TIMESTAMPS) {
                throw new IllegalArgumentException("not an uninterpreted TCP option kind: " + kind);
            }
            if (data.length() > 38) {
                throw new IllegalArgumentException("TCP option data longer than 38 bytes: " + data.length());
            }
        }

        @Override
        public int length() {
            return 2 + data.length();
        }

        @Override
        public void write(ByteBuf buf, int index) {
            buf.setByte(index, kind);
            buf.setByte(index + 1, length());
            data.write(buf, index + 2);
        }
    }
}
