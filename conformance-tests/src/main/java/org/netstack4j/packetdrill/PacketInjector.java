package org.netstack4j.packetdrill;

import java.util.ArrayList;
import java.util.List;

/** Turns an inbound packet line into the IPv4 packet the remote end sends. */
final class PacketInjector {
    private final RunnerConfig config;
    private final SequenceMap seqs;
    private int ipId = 1;

    PacketInjector(RunnerConfig config, SequenceMap seqs) {
        this.config = config;
        this.seqs = seqs;
    }

    /** The bytes for {@code p} sent between the flow's ports (or the line's own). */
    byte[] build(Action.Packet p, Flow flow) throws ScriptSkip {
        int remote = config.remoteIp().bits();
        int local = config.localIp().bits();
        int sport = p.ports() != null ? p.ports().source() : flow.remotePort;
        int dport = p.ports() != null ? p.ports().destination() : (flow.localPort != 0 ? flow.localPort : config.bindPort());
        int tos = tos(p.ip());
        int ttl = p.ip().ttl() >= 0 ? p.ip().ttl() : 64;
        byte[] payload;
        int proto;
        switch (p.spec()) {
            case PacketSpec.Tcp t -> {
                proto = WirePacket.TCP;
                payload = tcp(t, remote, local, sport, dport);
            }
            case PacketSpec.Udp u -> {
                proto = WirePacket.UDP;
                payload = FrameCodec.udp(remote, local, sport, dport, u.length());
            }
            case PacketSpec.Icmp i -> {
                proto = WirePacket.ICMP;
                payload = icmp(i, local, remote, dport, sport);
            }
        }
        return FrameCodec.ipv4(tos, ttl, ipId++, proto, remote, local, payload);
    }

    private static int tos(IpInfo ip) {
        int tos = ip.tos() >= 0 ? ip.tos() : 0;
        if (ip.ecn() >= 0) {
            tos = (tos & ~3) | (ip.ecn() == IpInfo.ECT_ANY ? 2 : ip.ecn());
        }
        return tos;
    }

    private byte[] tcp(PacketSpec.Tcp t, int remote, int local, int sport, int dport) throws ScriptSkip {
        if (t.window() == null) {
            throw new ScriptSkip("an inbound TCP packet without 'win' (packetdrill requires it)");
        }
        if (t.anyOptions()) {
            throw new ScriptSkip("'<...>' on an inbound packet (options must be spelled out to be sent)");
        }
        List<TcpOpt> opts = new ArrayList<>();
        if (t.options() != null) {
            for (TcpOpt o : t.options()) {
                opts.add(switch (o) {
                    case TcpOpt.Unsupported u -> throw new ScriptSkip("TCP option '" + u.text() + "'");
                    case TcpOpt.Timestamp ts -> new TcpOpt.Timestamp(ts.val(), seqs.tsToLive(ts.ecr()));
                    case TcpOpt.Sack s -> {
                        List<TcpOpt.Block> live = new ArrayList<>();
                        for (TcpOpt.Block b : s.blocks()) {
                            live.add(new TcpOpt.Block(seqs.toLive(dport, sport, b.left()), seqs.toLive(dport, sport, b.right())));
                        }
                        yield new TcpOpt.Sack(live);
                    }
                    default -> o;
                });
            }
        }
        long ack = t.ack() == null ? 0 : seqs.toLive(dport, sport, t.ack());
        return FrameCodec.tcp(remote, local, sport, dport, t.seq(), ack, TcpFlags.bits(t.flags()),
                (int) (long) t.window(), t.urgent() == null ? 0 : (int) (long) t.urgent(),
                FrameCodec.encodeOptions(opts), t.length());
    }

    /** An ICMP error from the path, quoting the header of a packet the stack sent (RFC 792, RFC 1191). */
    private byte[] icmp(PacketSpec.Icmp i, int local, int remote, int localPort, int remotePort) {
        byte[] quoted;
        if (i.embedded() instanceof PacketSpec.Tcp t) {
            byte[] tcp = FrameCodec.tcp(local, remote, localPort, remotePort, seqs.toLive(localPort, remotePort, t.seq()),
                    0, TcpFlags.ACK, 0, 0, new byte[0], 0);
            byte[] ip = FrameCodec.ipv4(0, 64, 0, WirePacket.TCP, local, remote, java.util.Arrays.copyOf(tcp, 8));
            FrameCodec.put16(ip, 2, 20 + 20 + t.length()); // the quoted packet's real length
            quoted = ip;
        } else if (i.embedded() instanceof PacketSpec.Udp u) {
            byte[] udp = FrameCodec.udp(local, remote, localPort, remotePort, u.length());
            byte[] ip = FrameCodec.ipv4(0, 64, 0, WirePacket.UDP, local, remote, java.util.Arrays.copyOf(udp, 8));
            FrameCodec.put16(ip, 2, 20 + 8 + u.length());
            quoted = ip;
        } else {
            quoted = new byte[0];
        }
        int rest = i.mtu() >= 0 ? i.mtu() & 0xFFFF : 0;
        return FrameCodec.icmp(i.type(), i.code(), rest, quoted);
    }
}
