package org.netstack4j.packetdrill;

import java.util.List;

/** One TCP option of a packet line, as written between {@code <} and {@code >}. */
public sealed interface TcpOpt {
    /** Option kinds (RFC 9293 3.1, RFC 7323, RFC 2018, RFC 7413). */
    int KIND_EOL = 0;
    /** No-operation. */
    int KIND_NOP = 1;
    /** Maximum segment size. */
    int KIND_MSS = 2;
    /** Window scale. */
    int KIND_WSCALE = 3;
    /** SACK permitted. */
    int KIND_SACK_OK = 4;
    /** SACK blocks. */
    int KIND_SACK = 5;
    /** Timestamps. */
    int KIND_TS = 8;
    /** TCP Fast Open cookie. */
    int KIND_FASTOPEN = 34;

    /** {@code nop}. */
    record Nop() implements TcpOpt {
        @Override
        public String toString() {
            return "nop";
        }
    }

    /** {@code eol}. */
    record Eol() implements TcpOpt {
        @Override
        public String toString() {
            return "eol";
        }
    }

    /** {@code mss N}. */
    record Mss(int value) implements TcpOpt {
        @Override
        public String toString() {
            return "mss " + value;
        }
    }

    /** {@code wscale N}. */
    record WScale(int shift) implements TcpOpt {
        @Override
        public String toString() {
            return "wscale " + shift;
        }
    }

    /** {@code sackOK}. */
    record SackOk() implements TcpOpt {
        @Override
        public String toString() {
            return "sackOK";
        }
    }

    /** One SACK block, left and right edge. */
    record Block(long left, long right) {
    }

    /** {@code sack a:b c:d}. */
    record Sack(List<Block> blocks) implements TcpOpt {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("sack");
            for (Block k : blocks) {
                b.append(' ').append(Integer.toUnsignedString((int) k.left())).append(':')
                        .append(Integer.toUnsignedString((int) k.right()));
            }
            return b.toString();
        }
    }

    /** {@code TS val X ecr Y}. */
    record Timestamp(long val, long ecr) implements TcpOpt {
        @Override
        public String toString() {
            return "TS val " + Integer.toUnsignedString((int) val) + " ecr " + Integer.toUnsignedString((int) ecr);
        }
    }

    /** {@code FO cookie} (hex bytes, possibly empty) or the experimental {@code FOEXP}. */
    record FastOpen(byte[] cookie) implements TcpOpt {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("FO");
            if (cookie.length > 0) {
                b.append(' ');
                for (byte x : cookie) {
                    b.append(String.format("%02x", x));
                }
            }
            return b.toString();
        }
    }

    /** An option kind with raw bytes, used for options the runner reads from the wire but has no name for. */
    record Raw(int kind, byte[] data) implements TcpOpt {
        @Override
        public String toString() {
            return "kind " + kind + " len " + (data.length + 2);
        }
    }

    /** An option the runner cannot produce or check (e.g. {@code md5}, {@code mptcp}); the script is skipped. */
    record Unsupported(String text) implements TcpOpt {
        @Override
        public String toString() {
            return text;
        }
    }
}
