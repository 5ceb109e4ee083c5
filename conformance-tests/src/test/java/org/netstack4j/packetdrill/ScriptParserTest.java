package org.netstack4j.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScriptParserTest {
    private static Script parse(String text) throws ScriptSyntaxException {
        return ScriptParser.parse(Path.of("t.pkt"), text, Map.of());
    }

    private static ScriptSyntaxException error(String text) {
        return assertThrows(ScriptSyntaxException.class, () -> parse(text));
    }

    @Test
    void optionsInitAndCleanup() throws Exception {
        Script s = parse("""
                --tolerance_usecs=10000
                --bind_port=9090
                `sysctl -q net.ipv4.tcp_sack=0`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                `echo done`
                """);
        assertEquals(Map.of("tolerance_usecs", "10000", "bind_port", "9090"), s.options());
        assertEquals("sysctl -q net.ipv4.tcp_sack=0", s.init().command());
        assertEquals("echo done", s.cleanup().command());
        assertEquals(1, s.events().size());
        assertEquals(4, s.events().get(0).line());
    }

    @Test
    void everyTimeForm() throws Exception {
        Script s = parse("""
                0 close(3) = 0
                +0.1 close(3) = 0
                +.25 close(3) = 0
                1.5 close(3) = 0
                * > . 1:1(0) ack 1
                0.1~0.2 > . 1:1(0) ack 1
                +0~+0.01 > . 1:1(0) ack 1
                +0...0.200 accept(3, ..., ...) = 4
                0.3...+0.1 read(4, ..., 10) = 10
                """);
        List<EventTime> t = s.events().stream().map(Event::time).toList();
        assertEquals(new EventTime(EventTime.Kind.ABSOLUTE, 0, 0, null), t.get(0));
        assertEquals(new EventTime(EventTime.Kind.RELATIVE, 100_000, 100_000, null), t.get(1));
        assertEquals(250_000, t.get(2).startMicros());
        assertEquals(new EventTime(EventTime.Kind.ABSOLUTE, 1_500_000, 1_500_000, null), t.get(3));
        assertEquals(EventTime.Kind.ANY, t.get(4).kind());
        assertEquals(new EventTime(EventTime.Kind.ABSOLUTE_RANGE, 100_000, 200_000, null), t.get(5));
        assertEquals(new EventTime(EventTime.Kind.RELATIVE_RANGE, 0, 10_000, null), t.get(6));
        assertEquals(new EventTime.BlockingEnd(200_000, false), t.get(7).blockingEnd());
        assertEquals(new EventTime.BlockingEnd(100_000, true), t.get(8).blockingEnd());
        assertEquals(9, s.events().get(8).line());
    }

    @Test
    void syscallArgumentForms() throws Exception {
        Script s = parse("""
                0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0
                +0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1
                +0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{iov_base=..., iov_len=1000}], msg_flags=0}, 0) = 1000
                +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
                +0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0
                +0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("192.0.2.1")}, 16) = 0
                +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
                """);
        Action.Syscall linger = (Action.Syscall) s.events().get(0).action();
        Expr.Struct l = assertInstanceOf(Expr.Struct.class, linger.args().get(3));
        assertEquals(new Expr.Int(0), l.get("linger"));
        Action.Syscall poll = (Action.Syscall) s.events().get(1).action();
        Expr.Struct pfd = (Expr.Struct) ((Expr.ListOf) poll.args().get(0)).items().get(0);
        assertEquals(new Expr.BitOr(List.of(new Expr.Symbol("POLLIN"), new Expr.Symbol("POLLOUT"))), pfd.get("events"));
        Action.Syscall msg = (Action.Syscall) s.events().get(2).action();
        Expr.Struct m = (Expr.Struct) msg.args().get(1);
        assertEquals(1, m.fields().get(1).count());
        assertEquals("msg_iov", m.fields().get(1).name());
        Action.Syscall connect = (Action.Syscall) s.events().get(3).action();
        assertEquals(new Expr.Int(-1), connect.result());
        assertEquals("EINPROGRESS", connect.errno());
        assertEquals("Operation now in progress", connect.note());
        Action.Syscall bind = (Action.Syscall) s.events().get(5).action();
        Expr.Struct addr = (Expr.Struct) bind.args().get(1);
        assertEquals(new Expr.Call("inet_addr", List.of(new Expr.Str("192.0.2.1"))), addr.get("sin_addr"));
    }

    @Test
    void tcpPacketLines() throws Exception {
        Script s = parse("""
                0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
                +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>
                +0 < [ect0] P. 1:1001(1000) ack 1 win 514 urg 3
                +0 > . 1:1(0) ack 1001 <...>
                +0 < 5000>8080 . 1001:1001(0) ack 1 win 514 <nop,nop,sack 1:101 201:301,eol>
                +0 > [tos 0x10 ttl 64] - 1:1(0) ack 1 <FO 0a0b,md5 abc>
                """);
        PacketSpec.Tcp syn = (PacketSpec.Tcp) ((Action.Packet) s.events().get(0).action()).spec();
        assertTrue(((Action.Packet) s.events().get(0).action()).inbound());
        assertEquals("S", syn.flags());
        assertEquals(65535L, syn.window());
        assertEquals(List.of(new TcpOpt.Mss(1460), new TcpOpt.SackOk(), new TcpOpt.Timestamp(100, 0), new TcpOpt.Nop(),
                new TcpOpt.WScale(7)), syn.options());
        assertNull(syn.ack());
        Action.Packet data = (Action.Packet) s.events().get(2).action();
        assertEquals(2, data.ip().ecn());
        PacketSpec.Tcp d = (PacketSpec.Tcp) data.spec();
        assertEquals(1000, d.length());
        assertEquals(3L, d.urgent());
        assertTrue(((PacketSpec.Tcp) ((Action.Packet) s.events().get(3).action()).spec()).anyOptions());
        Action.Packet sack = (Action.Packet) s.events().get(4).action();
        assertEquals(new Action.Ports(5000, 8080), sack.ports());
        TcpOpt.Sack blocks = (TcpOpt.Sack) ((PacketSpec.Tcp) sack.spec()).options().get(2);
        assertEquals(List.of(new TcpOpt.Block(1, 101), new TcpOpt.Block(201, 301)), blocks.blocks());
        Action.Packet last = (Action.Packet) s.events().get(5).action();
        assertEquals(new IpInfo(-1, 0x10, 64), last.ip());
        PacketSpec.Tcp none = (PacketSpec.Tcp) last.spec();
        assertEquals("-", none.flags());
        assertInstanceOf(TcpOpt.FastOpen.class, none.options().get(0));
        assertEquals(new TcpOpt.Unsupported("md5 abc"), none.options().get(1));
    }

    @Test
    void udpIcmpPythonShell() throws Exception {
        Script s = parse("""
                0 < udp (100)
                +0 > udp (100)
                +0 < icmp unreachable frag_needed mtu 1200 [1:1001(1000)]
                +0 > icmp unreachable port_unreachable
                +0 %{
                assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd
                }%
                +0 `sysctl -w net.ipv4.tcp_timestamps=0`
                """);
        assertEquals(new PacketSpec.Udp(100), ((Action.Packet) s.events().get(0).action()).spec());
        PacketSpec.Icmp icmp = (PacketSpec.Icmp) ((Action.Packet) s.events().get(2).action()).spec();
        assertEquals(3, icmp.type());
        assertEquals(4, icmp.code());
        assertEquals(1200, icmp.mtu());
        assertEquals(1000, ((PacketSpec.Tcp) icmp.embedded()).length());
        PacketSpec.Icmp port = (PacketSpec.Icmp) ((Action.Packet) s.events().get(3).action()).spec();
        assertEquals(3, port.code());
        assertTrue(((Action.Python) s.events().get(4).action()).code().contains("tcpi_snd_cwnd == 10"));
        assertEquals(8, s.events().get(5).line());
        assertEquals("sysctl -w net.ipv4.tcp_timestamps=0", ((Action.Shell) s.events().get(5).action()).command());
    }

    @Test
    void commentsAndDefines() throws Exception {
        Script s = ScriptParser.parse(Path.of("t.pkt"), """
                // a comment
                /* a block
                   comment */
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 // trailing
                +0 setsockopt(3, SOL_SOCKET, SO_RCVBUF, [BUF], 4) = 0
                +0 setsockopt(3, SOL_SOCKET, SO_SNDBUF, [${BUF}], 4) = 0
                """, Map.of("BUF", "4096"));
        assertEquals(3, s.events().size());
        assertEquals(4, s.events().get(0).line());
        Action.Syscall set = (Action.Syscall) s.events().get(2).action();
        assertEquals(new Expr.ListOf(List.of(new Expr.Int(4096))), set.args().get(3));
        assertEquals(new Expr.ListOf(List.of(new Expr.Int(4096))), ((Action.Syscall) s.events().get(1).action()).args().get(3));
    }

    @Test
    void errorsNameFileAndLine() {
        ScriptSyntaxException e = error("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3

                +0 < S 0:10(0) win 100
                """);
        assertEquals("t.pkt:3: sequence range 0:10 does not have length 0", e.getMessage());
        assertEquals(2, error("0 close(3) = 0\n+0 close(3 = 0\n").line());
        assertEquals("t.pkt:1: bad TCP flag 'Q'; flags are from .FSRPEWAU, or - for none",
                error("0 < Q 0:0(0) win 1\n").getMessage());
        assertEquals(1, error("0 < icmp bogus\n").line());
        assertEquals("t.pkt:2: expected an event time (like 0, +0.1, * or 0~0.2) but found 'close(3) = 0'",
                error("0 close(3) = 0\nclose(3) = 0\n").getMessage());
        assertTrue(error("* < S 0:0(0) win 1\n").getMessage().contains("inbound packet needs an exact time"));
        assertTrue(error("0 %{ assert 1\n").getMessage().contains("unterminated python block"));
        assertEquals(1, error("0 > S 0:0(0) <mss 1460\n").line());
    }

    @Test
    void emptyScriptParses() throws Exception {
        assertNotNull(parse("// nothing\n").events());
    }
}
