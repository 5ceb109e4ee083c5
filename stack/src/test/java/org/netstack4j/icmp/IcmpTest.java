package org.netstack4j.icmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;

/** ICMP between two stacks: echo of every size, port unreachable to sockets, and the error rate limit. */
class IcmpTest {
    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

    record Reply(int id, int seq, int length) {
    }

    @ParameterizedTest(name = "{0} data bytes")
    @ValueSource(ints = {0, 56, 1472, 8000, 65507})
    void echoIsAnsweredWithTheSameSize(int size) {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            List<Reply> replies = new ArrayList<>();
            net.a.icmp().setEchoReplyListener((from, id, seq, len, at) -> {
                assertEquals(TwoStacks.B, from);
                replies.add(new Reply(id, seq, len));
            });
            assertNull(net.a.icmp().sendEchoRequest(TwoStacks.B, 0x1234, 1, size));
            assertTrue(net.sim.runUntil(() -> !replies.isEmpty(), Duration.ofSeconds(1)), "no echo reply");
            assertEquals(new Reply(0x1234, 1, size), replies.getFirst());
            assertEquals(1, net.b.counters().get(Counter.ICMP_IN_ECHOS));
            assertEquals(1, net.b.counters().get(Counter.ICMP_OUT_ECHO_REPS));
            if (size + 28 > 1500) {
                assertTrue(net.b.counters().get(Counter.IP_REASM_OKS) == 1, "request was reassembled");
                assertTrue(net.b.counters().get(Counter.IP_FRAG_CREATES) > 1, "reply was fragmented");
            }
        }
    }

    @Test
    void portUnreachableRefusesAConnectedSocket() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsA.connect(fd, new SockAddrIn(TwoStacks.B, 9999));
            net.socketsA.send(fd, new byte[] {1, 2, 3}, 0, 3, 0);
            byte[] buf = new byte[16];
            // A blocking recv in virtual time: the simulation runs until the ICMP error arrives.
            ErrnoException e = assertThrows(ErrnoException.class, () -> net.socketsA.recv(fd, buf, 0, 16, 0));
            assertEquals(Errno.ECONNREFUSED, e.errno());
            assertEquals(1, net.b.counters().get(Counter.UDP_NO_PORTS));
            assertEquals(1, net.a.counters().get(Counter.ICMP_IN_DEST_UNREACHS));
            // The error is reported once, then cleared (like SO_ERROR).
            assertEquals(0, net.socketsA.getsockopt(fd, SOL_SOCKET, SO_ERROR));
        }
    }

    @Test
    void unconnectedSocketDoesNotSeeTheError() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            net.socketsA.sendto(fd, new byte[] {1}, 0, 1, 0, new SockAddrIn(TwoStacks.B, 9999));
            net.sim.runFor(Duration.ofMillis(10));
            assertEquals(1, net.a.counters().get(Counter.ICMP_IN_DEST_UNREACHS));
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> net.socketsA.recv(fd, new byte[4], 0, 4, 0));
            assertEquals(Errno.EAGAIN, e.errno());
        }
    }

    @Test
    void errorsAreRateLimitedToTheBurstThenTheRate() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            for (int i = 0; i < 200; i++) {
                net.socketsA.sendto(fd, new byte[] {1}, 0, 1, 0, new SockAddrIn(TwoStacks.B, 9999));
            }
            net.sim.runFor(Duration.ofMillis(5));
            long sent = net.b.counters().get(Counter.ICMP_OUT_DEST_UNREACHS);
            // Burst 50, then 1 per millisecond: at most ~55 in 5 ms of virtual time.
            assertTrue(sent >= 50 && sent <= 56, "sent " + sent + " unreachables");
            assertEquals(200 - sent, net.b.counters().get(Counter.ICMP_OUT_RATE_LIMITED));
        }
    }

    @Test
    void echoToTheBroadcastAddressIsIgnored() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            net.a.icmp().sendEchoRequest(org.netstack4j.wire.Ipv4Address.parse("10.0.0.255"), 1, 1, 8);
            net.sim.runFor(Duration.ofMillis(10));
            assertEquals(1, net.b.counters().get(Counter.ICMP_IN_ECHOS));
            assertEquals(0, net.b.counters().get(Counter.ICMP_OUT_ECHO_REPS));
        }
    }
}
