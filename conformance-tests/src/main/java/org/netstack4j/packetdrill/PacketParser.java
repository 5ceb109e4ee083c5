package org.netstack4j.packetdrill;

import java.util.ArrayList;
import java.util.List;

/** Reads packet lines ({@code < ...} and {@code > ...}) after the direction character. */
final class PacketParser {
    private static final String FLAG_LETTERS = ".FSRPEWAU";

    private PacketParser() {
    }

    static Action.Packet packet(ScriptScanner in, boolean inbound) throws ScriptSyntaxException {
        IpInfo ip = IpInfo.NONE;
        in.skipSpace();
        if (in.peek() == '[') {
            in.accept("[");
            ip = ipInfo(in);
        }
        Action.Ports ports = null;
        in.skipSpace();
        if (Character.isDigit(in.peek()) && looksLikePorts(in)) {
            int src = (int) in.integer();
            in.expect(">", "'>' between the ports");
            ports = new Action.Ports(src, (int) in.integer());
        }
        String word = in.peekWord();
        PacketSpec spec;
        if (word.equals("udp")) {
            in.word();
            spec = udp(in);
        } else if (word.equals("icmp")) {
            in.word();
            spec = icmp(in);
        } else {
            spec = tcp(in);
        }
        return new Action.Packet(inbound, ip, ports, spec);
    }

    private static boolean looksLikePorts(ScriptScanner in) {
        int i = 0;
        while (Character.isDigit(in.peek(i))) {
            i++;
        }
        return in.peek(i) == '>';
    }

    private static IpInfo ipInfo(ScriptScanner in) throws ScriptSyntaxException {
        int ecn = -1;
        int tos = -1;
        int ttl = -1;
        while (!in.accept("]")) {
            String w = in.word();
            switch (w) {
                case "noecn" -> ecn = 0;
                case "ect1" -> ecn = 1;
                case "ect0" -> ecn = 2;
                case "ce" -> ecn = 3;
                case "ect01" -> ecn = IpInfo.ECT_ANY;
                case "tos" -> tos = (int) in.integer();
                case "ttl" -> ttl = (int) in.integer();
                default -> throw in.error("unknown IP info '" + w + "'; expected noecn, ect0, ect1, ect01, ce, tos or ttl");
            }
            in.accept(",");
        }
        return new IpInfo(ecn, tos, ttl);
    }

    private static PacketSpec.Udp udp(ScriptScanner in) throws ScriptSyntaxException {
        in.expect("(", "'(' before the UDP payload length");
        int len = (int) in.integer();
        in.expect(")", "')' after the UDP payload length");
        return new PacketSpec.Udp(len);
    }

    private static PacketSpec.Icmp icmp(ScriptScanner in) throws ScriptSyntaxException {
        int line = in.line();
        String typeName = in.word();
        int type = IcmpNames.type(typeName);
        if (type < 0) {
            throw in.error(line, "unknown ICMP type '" + typeName + "'");
        }
        int code = 0;
        String codeName = "";
        String next = in.peekWord();
        if (!next.isEmpty() && !next.equals("mtu") && !next.equals("udp")) {
            codeName = in.word();
            code = IcmpNames.code(type, codeName);
            if (code < 0) {
                throw in.error(line, "unknown ICMP code '" + codeName + "' for type " + typeName);
            }
        }
        int mtu = -1;
        if (in.peekWord().equals("mtu")) {
            in.word();
            mtu = (int) in.integer();
        }
        PacketSpec embedded = null;
        if (in.accept("[")) {
            if (in.peekWord().equals("udp")) {
                in.word();
                embedded = udp(in);
            } else {
                long start = in.integer();
                in.expect(":", "':' in the quoted sequence range");
                long end = in.integer();
                in.expect("(", "'(' in the quoted sequence range");
                int len = (int) in.integer();
                in.expect(")", "')' in the quoted sequence range");
                checkRange(in, start, end, len);
                embedded = new PacketSpec.Tcp(".", start, len, null, null, null, null, true);
            }
            in.expect("]", "']' after the quoted packet");
        }
        String text = "icmp " + typeName + (codeName.isEmpty() ? "" : " " + codeName) + (mtu >= 0 ? " mtu " + mtu : "")
                + (embedded instanceof PacketSpec.Tcp t ? " [" + t.seq() + ":" + (t.seq() + t.length()) + "(" + t.length() + ")]"
                : embedded != null ? " [" + embedded + "]" : "");
        return new PacketSpec.Icmp(type, code, mtu, embedded, text);
    }

    private static void checkRange(ScriptScanner in, long start, long end, int len) throws ScriptSyntaxException {
        if (((end - start) & 0xFFFF_FFFFL) != len) {
            throw in.error("sequence range " + start + ":" + end + " does not have length " + len);
        }
    }

    private static PacketSpec.Tcp tcp(ScriptScanner in) throws ScriptSyntaxException {
        in.skipSpace();
        StringBuilder flags = new StringBuilder();
        while (!in.atEnd() && !Character.isWhitespace(in.peek())) {
            char c = in.peek();
            if (FLAG_LETTERS.indexOf(c) < 0 && c != '-') {
                throw in.error("bad TCP flag '" + c + "'; flags are from .FSRPEWAU, or - for none");
            }
            flags.append(in.next());
        }
        if (flags.isEmpty()) {
            throw in.error("expected TCP flags, udp or icmp but found " + in.describeNext());
        }
        long start = in.integer();
        in.expect(":", "':' in the sequence range start:end(length)");
        long end = in.integer();
        in.expect("(", "'(' in the sequence range start:end(length)");
        int len = (int) in.integer();
        in.expect(")", "')' in the sequence range start:end(length)");
        checkRange(in, start, end, len);
        Long ack = null;
        Long win = null;
        Long urg = null;
        List<TcpOpt> options = null;
        boolean any = false;
        while (true) {
            String w = in.peekWord();
            if (w.equals("ack")) {
                in.word();
                ack = in.integer();
            } else if (w.equals("win")) {
                in.word();
                win = in.integer();
            } else if (w.equals("urg")) {
                in.word();
                urg = in.integer();
            } else if (in.startsWith("<")) {
                in.accept("<");
                if (in.accept("...")) {
                    in.expect(">", "'>' after '<...'");
                    any = true;
                } else {
                    options = options(in);
                }
            } else {
                break;
            }
        }
        String f = flags.toString().equals("-") ? "" : flags.toString();
        return new PacketSpec.Tcp(f.isEmpty() ? "-" : f, start, len, ack, win, urg, options, any);
    }

    private static List<TcpOpt> options(ScriptScanner in) throws ScriptSyntaxException {
        List<TcpOpt> out = new ArrayList<>();
        if (in.accept(">")) {
            return out;
        }
        do {
            out.add(option(in));
        } while (in.accept(","));
        in.expect(">", "',' or '>' in the option list");
        return List.copyOf(out);
    }

    private static TcpOpt option(ScriptScanner in) throws ScriptSyntaxException {
        String w = in.word();
        switch (w) {
            case "nop":
                return new TcpOpt.Nop();
            case "eol":
                return new TcpOpt.Eol();
            case "mss":
                return new TcpOpt.Mss((int) in.integer());
            case "wscale":
                return new TcpOpt.WScale((int) in.integer());
            case "sackOK":
                return new TcpOpt.SackOk();
            case "sack": {
                List<TcpOpt.Block> blocks = new ArrayList<>();
                while (in.atDigit()) {
                    long l = in.integer();
                    in.expect(":", "':' in a SACK block");
                    blocks.add(new TcpOpt.Block(l, in.integer()));
                }
                return new TcpOpt.Sack(List.copyOf(blocks));
            }
            case "TS": {
                if (!in.word().equals("val")) {
                    throw in.error("expected 'TS val X ecr Y'");
                }
                long val = in.integer();
                if (!in.word().equals("ecr")) {
                    throw in.error("expected 'TS val X ecr Y'");
                }
                return new TcpOpt.Timestamp(val, in.integer());
            }
            case "FO", "FOEXP": {
                in.skipSpace();
                StringBuilder hex = new StringBuilder();
                while (Character.digit(in.peek(), 16) >= 0) {
                    hex.append(in.next());
                }
                if (hex.length() % 2 != 0) {
                    throw in.error("FO cookie needs an even number of hex digits");
                }
                byte[] cookie = new byte[hex.length() / 2];
                for (int i = 0; i < cookie.length; i++) {
                    cookie[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
                }
                return w.equals("FO") ? new TcpOpt.FastOpen(cookie) : new TcpOpt.Unsupported("FOEXP");
            }
            default: {
                // md5, mptcp, exp and friends: read to the next ',' or '>' and let the runner skip the script.
                StringBuilder text = new StringBuilder();
                in.skipSpace();
                while (!in.atEnd() && in.peek() != ',' && in.peek() != '>' && in.peek() != '\n') {
                    text.append(in.next());
                }
                return new TcpOpt.Unsupported((w + " " + text.toString().strip()).strip());
            }
        }
    }
}
