package org.netstack4j.packetdrill;

import java.util.ArrayList;
import java.util.List;
import org.netstack4j.wire.Ipv4Address;

/**
 * Compares a packet the stack sent with an outbound packet line, the way packetdrill does: IP version,
 * protocol, header and total length, header checksum; TOS/ECN and TTL only when written; TCP data offset,
 * every flag, sequence number (through the ISN mapping), ack, window when written, urgent pointer, options
 * (TS val through the TS mapping and only with a TS tick; {@code <...>} skips them) and payload length.
 * IP ID, DF and the TCP checksum are not compared.
 */
final class PacketMatcher {
    private final RunnerConfig config;
    private final SequenceMap seqs;

    PacketMatcher(RunnerConfig config, SequenceMap seqs) {
        this.config = config;
        this.seqs = seqs;
    }

    /** What differs between {@code expected} and {@code actual}, or null when they match. */
    String mismatch(Action.Packet expected, WirePacket actual, Flow flow) {
        List<String> diffs = new ArrayList<>();
        if (actual.version() != 4) {
            diffs.add("IP version " + actual.version());
        }
        if (actual.headerLength() != 20) {
            diffs.add("IP header length " + actual.headerLength() + ", expected 20");
        }
        if (!actual.checksumOk()) {
            diffs.add("bad IP header checksum");
        }
        if (actual.source() != config.localIp().bits() || actual.destination() != config.remoteIp().bits()) {
            diffs.add("addresses " + Ipv4Address.toString(actual.source()) + ">" + Ipv4Address.toString(actual.destination())
                    + ", expected " + config.localIp() + ">" + config.remoteIp());
        }
        IpInfo ip = expected.ip();
        int ecn = actual.tos() & 3;
        if (ip.ecn() == IpInfo.ECT_ANY ? ecn != 1 && ecn != 2 : ip.ecn() >= 0 && ecn != ip.ecn()) {
            diffs.add("ECN bits " + ecn + ", expected " + ip);
        }
        if (ip.tos() >= 0 && (actual.tos() & ~3) != (ip.tos() & ~3)) {
            diffs.add("TOS 0x" + Integer.toHexString(actual.tos()) + ", expected 0x" + Integer.toHexString(ip.tos()));
        }
        if (ip.ttl() >= 0 && actual.ttl() != ip.ttl()) {
            diffs.add("TTL " + actual.ttl() + ", expected " + ip.ttl());
        }
        int wantProto = switch (expected.spec()) {
            case PacketSpec.Tcp t -> WirePacket.TCP;
            case PacketSpec.Udp u -> WirePacket.UDP;
            case PacketSpec.Icmp i -> WirePacket.ICMP;
        };
        if (actual.protocol() != wantProto) {
            diffs.add("protocol " + actual.protocol() + ", expected " + wantProto);
            return String.join("; ", diffs);
        }
        if (wantProto != WirePacket.ICMP) {
            int sp = expected.ports() != null ? expected.ports().source() : flow.localPort;
            int dp = expected.ports() != null ? expected.ports().destination() : flow.remotePort;
            if ((sp != 0 && actual.sourcePort() != sp) || actual.destinationPort() != dp) {
                diffs.add("ports " + actual.sourcePort() + ">" + actual.destinationPort() + ", expected "
                        + (sp == 0 ? "*" : sp) + ">" + dp);
            }
        }
        switch (expected.spec()) {
            case PacketSpec.Tcp t -> tcp(t, actual, diffs);
            case PacketSpec.Udp u -> {
                if (actual.payloadLength() != u.length()) {
                    diffs.add("UDP payload length " + actual.payloadLength() + ", expected " + u.length());
                }
            }
            case PacketSpec.Icmp i -> {
                if (actual.icmpType() != i.type() || actual.icmpCode() != i.code()) {
                    diffs.add("ICMP type/code " + actual.icmpType() + "/" + actual.icmpCode() + ", expected "
                            + i.type() + "/" + i.code());
                }
            }
        }
        return diffs.isEmpty() ? null : String.join("; ", diffs);
    }

    private void tcp(PacketSpec.Tcp t, WirePacket a, List<String> diffs) {
        int lp = a.sourcePort();
        int rp = a.destinationPort();
        int wantFlags = TcpFlags.bits(t.flags());
        if (a.flags() != wantFlags) {
            diffs.add("flags " + TcpFlags.text(a.flags()) + ", expected " + TcpFlags.text(wantFlags));
        }
        long seq = seqs.toScript(lp, rp, a.seq());
        if (seq != (t.seq() & 0xFFFF_FFFFL)) {
            diffs.add("seq " + seq + ", expected " + t.seq());
        }
        if (a.payloadLength() != t.length()) {
            diffs.add("payload length " + a.payloadLength() + ", expected " + t.length());
        }
        if (t.ack() != null) {
            if (a.ack() != (t.ack() & 0xFFFF_FFFFL)) {
                diffs.add("ack " + a.ack() + ", expected " + t.ack());
            }
        } else if ((wantFlags & TcpFlags.ACK) == 0 && a.ack() != 0) {
            diffs.add("ack " + a.ack() + " with the ACK bit clear, expected 0");
        }
        if (t.window() != null && a.window() != t.window()) {
            diffs.add("win " + a.window() + ", expected " + t.window());
        }
        long urg = t.urgent() == null ? 0 : t.urgent();
        if (a.urgent() != urg) {
            diffs.add("urg " + a.urgent() + ", expected " + urg);
        }
        if (t.anyOptions()) {
            return;
        }
        List<TcpOpt> want = t.options() == null ? List.of() : t.options();
        String optDiff = options(want, a.options());
        if (optDiff != null) {
            diffs.add(optDiff);
        } else {
            int wantOffset = 20 + FrameCodec.encodeOptions(want.stream().filter(o -> !(o instanceof TcpOpt.Unsupported)).toList()).length;
            if (a.dataOffset() != wantOffset) {
                diffs.add("TCP header length " + a.dataOffset() + ", expected " + wantOffset);
            }
        }
    }

    private String options(List<TcpOpt> want, List<TcpOpt> got) {
        String mismatch = "options <" + text(got) + ">, expected <" + text(want) + ">";
        // Trailing padding the stack adds (NOP/EOL to a 4-byte boundary) is what the script's padding means too.
        List<TcpOpt> g = trimPadding(got);
        List<TcpOpt> w = trimPadding(want);
        if (g.size() != w.size()) {
            return mismatch;
        }
        for (int i = 0; i < w.size(); i++) {
            TcpOpt wo = w.get(i);
            TcpOpt go = g.get(i);
            if (wo instanceof TcpOpt.Timestamp wts && go instanceof TcpOpt.Timestamp gts) {
                seqs.learnTsVal(wts.val(), gts.val());
                if (gts.ecr() != (wts.ecr() & 0xFFFF_FFFFL)) {
                    return mismatch + " (TS ecr " + gts.ecr() + ", expected " + wts.ecr() + ")";
                }
                if (config.tsTickMicros() > 0) {
                    long slack = Math.max(1, config.toleranceMicros() / config.tsTickMicros() + 1);
                    long v = seqs.tsToScript(gts.val());
                    if (Math.abs((int) (v - wts.val())) > slack) {
                        return mismatch + " (TS val " + v + ", expected " + wts.val() + ")";
                    }
                }
                continue;
            }
            if (wo instanceof TcpOpt.Unsupported u) {
                return "option '" + u.text() + "' cannot be checked";
            }
            if (!sameOption(wo, go)) {
                return mismatch;
            }
        }
        return null;
    }

    private static boolean sameOption(TcpOpt a, TcpOpt b) {
        if (a instanceof TcpOpt.FastOpen fa && b instanceof TcpOpt.FastOpen fb) {
            return java.util.Arrays.equals(fa.cookie(), fb.cookie());
        }
        if (a instanceof TcpOpt.Raw ra && b instanceof TcpOpt.Raw rb) {
            return ra.kind() == rb.kind() && java.util.Arrays.equals(ra.data(), rb.data());
        }
        return a.equals(b);
    }

    private static List<TcpOpt> trimPadding(List<TcpOpt> opts) {
        int end = opts.size();
        int bytes = FrameCodec.encodeOptions(opts.stream().filter(o -> !(o instanceof TcpOpt.Unsupported)).toList()).length;
        // drop trailing one-byte options only when they are padding (the list without them pads to the same size)
        while (end > 0 && (opts.get(end - 1) instanceof TcpOpt.Nop || opts.get(end - 1) instanceof TcpOpt.Eol)) {
            List<TcpOpt> shorter = opts.subList(0, end - 1);
            if (FrameCodec.encodeOptions(shorter.stream().filter(o -> !(o instanceof TcpOpt.Unsupported)).toList()).length != bytes) {
                break;
            }
            end--;
        }
        return opts.subList(0, end);
    }

    private static String text(List<TcpOpt> opts) {
        return String.join(",", opts.stream().map(Object::toString).toList());
    }

    /** The packet as a script line would write it (sequence numbers and TS val mapped), for messages. */
    String describe(WirePacket a) {
        return switch (a.protocol()) {
            case WirePacket.TCP -> {
                int lp = a.sourcePort();
                int rp = a.destinationPort();
                long seq = seqs.toScript(lp, rp, a.seq());
                StringBuilder b = new StringBuilder("> ");
                if ((a.tos() & 3) != 0) {
                    b.append(new IpInfo(a.tos() & 3, -1, -1)).append(' ');
                }
                b.append(lp).append('>').append(rp).append(' ').append(TcpFlags.text(a.flags())).append(' ')
                        .append(seq).append(':').append((seq + a.payloadLength()) & 0xFFFF_FFFFL)
                        .append('(').append(a.payloadLength()).append(')');
                if ((a.flags() & TcpFlags.ACK) != 0 || a.ack() != 0) {
                    b.append(" ack ").append(a.ack());
                }
                b.append(" win ").append(a.window());
                if (a.urgent() != 0) {
                    b.append(" urg ").append(a.urgent());
                }
                if (!a.options().isEmpty()) {
                    List<String> o = new ArrayList<>();
                    for (TcpOpt opt : a.options()) {
                        o.add(opt instanceof TcpOpt.Timestamp ts
                                ? new TcpOpt.Timestamp(seqs.tsToScript(ts.val()), ts.ecr()).toString() : opt.toString());
                    }
                    b.append(" <").append(String.join(",", o)).append('>');
                }
                yield b.toString();
            }
            case WirePacket.UDP -> "> " + a.sourcePort() + ">" + a.destinationPort() + " udp (" + a.payloadLength() + ")";
            case WirePacket.ICMP -> "> icmp " + IcmpNames.typeName(a.icmpType()) + " "
                    + IcmpNames.codeName(a.icmpType(), a.icmpCode());
            default -> "> IP protocol " + a.protocol() + " (" + a.totalLength() + " bytes)";
        };
    }

    /** Several consecutive segments as one: first header, payloads summed, flags or-ed, ack/window of the last. */
    static WirePacket merge(List<WirePacket> parts) {
        WirePacket f = parts.get(0);
        WirePacket l = parts.get(parts.size() - 1);
        int flags = 0;
        int payload = 0;
        for (WirePacket p : parts) {
            flags |= p.flags();
            payload += p.payloadLength();
        }
        return new WirePacket(f.version(), f.headerLength(), f.headerLength() + f.dataOffset() + payload, f.tos(), f.ttl(),
                f.protocol(), f.checksumOk() && l.checksumOk(), f.source(), f.destination(), f.sourcePort(),
                f.destinationPort(), f.seq(), l.ack(), f.dataOffset(), flags, l.window(), f.urgent(), f.options(),
                payload, 0, 0);
    }
}
