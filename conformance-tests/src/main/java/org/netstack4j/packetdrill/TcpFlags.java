package org.netstack4j.packetdrill;

/** TCP flag letters of the script language and their header bits (RFC 9293 3.1, RFC 3168 for E and W). */
final class TcpFlags {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;
    static final int AE = 0x100;
    private static final String LETTERS = "FSRP.UEWA";

    private TcpFlags() {
    }

    /** The bits of a flag string such as {@code S.} ({@code -} for none). */
    static int bits(String flags) {
        int b = 0;
        for (char c : flags.toCharArray()) {
            int i = LETTERS.indexOf(c);
            if (i >= 0) {
                b |= 1 << i;
            }
        }
        return b;
    }

    /** The flag string of {@code bits} in the order scripts write them (e.g. {@code S.}, {@code P.}, {@code F.}). */
    static String text(int bits) {
        StringBuilder b = new StringBuilder();
        for (char c : "FSRPUEWA".toCharArray()) {
            if ((bits & (1 << LETTERS.indexOf(c))) != 0) {
                b.append(c);
            }
        }
        if ((bits & ACK) != 0) {
            b.append('.');
        }
        return b.isEmpty() ? "-" : b.toString();
    }
}
