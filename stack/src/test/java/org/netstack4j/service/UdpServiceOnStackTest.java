package org.netstack4j.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;
import static org.netstack4j.socket.SocketConstants.SOCK_NONBLOCK;
import static org.netstack4j.socket.SocketConstants.SOL_SOCKET;
import static org.netstack4j.socket.SocketConstants.SO_BROADCAST;

import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;
import org.netstack4j.wire.Ipv4Address;

/**
 * UDP services on the stack's own thread ({@link UdpService#startOnStack}, {@link BsdSockets#serveDatagramsOnStack}):
 * in virtual time, with no thread of their own, echo answers each datagram, but neither broadcasts nor the ports of
 * other small services; datagrams queued before the handler was set reach it first and in order; a handler that
 * throws is taken off; and closing the socket stops the service.
 */
class UdpServiceOnStackTest {
    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

    private static byte[] recvOrNull(BsdSockets s, int fd) {
        byte[] buf = new byte[2000];
        try {
            int n = s.recv(fd, buf, 0, buf.length, 0);
            return java.util.Arrays.copyOf(buf, n);
        } catch (ErrnoException e) {
            assertEquals(Errno.EAGAIN, e.errno());
            return null;
        }
    }

    @Test
    void echoAnswersEachDatagram() {
        try (TwoStacks net = TwoStacks.create(capture.writer());
             UdpService echo = UdpService.startOnStack("echo", net.socketsB, 7, data -> data)) {
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            net.socketsA.connect(fd, new SockAddrIn(TwoStacks.B, 7));
            for (int i = 0; i < 3; i++) {
                net.socketsA.send(fd, new byte[] {(byte) i, 42}, 0, 2, 0);
            }
            net.sim.runFor(Duration.ofMillis(10));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new byte[] {(byte) i, 42}, recvOrNull(net.socketsA, fd), "echo " + i);
            }
            assertEquals(3, echo.served());
        }
    }

    @Test
    void datagramsQueuedBeforeTheHandlerReachItFirstInOrder() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int server = net.socketsB.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            net.socketsB.bind(server, new SockAddrIn(Ipv4Address.ANY, 5000));
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            for (int i = 0; i < 4; i++) {
                net.socketsA.sendto(fd, new byte[] {(byte) i}, 0, 1, 0, new SockAddrIn(TwoStacks.B, 5000));
            }
            net.sim.runFor(Duration.ofMillis(10));
            List<String> seen = new ArrayList<>();
            net.socketsB.serveDatagramsOnStack(server, (ep, ip, port, payload, broadcast) -> seen.add(
                    ByteBufUtil.hexDump(payload) + "@" + port));
            int clientPort = net.socketsA.getsockname(fd).port();
            assertEquals(List.of("00@" + clientPort, "01@" + clientPort, "02@" + clientPort, "03@" + clientPort),
                    seen);
            net.socketsA.sendto(fd, new byte[] {9}, 0, 1, 0, new SockAddrIn(TwoStacks.B, 5000));
            net.sim.runFor(Duration.ofMillis(10));
            assertEquals("09@" + clientPort, seen.getLast());
            assertEquals(null, recvOrNull(net.socketsB, server), "served datagrams are not queued as well");
        }
    }

    @Test
    void closingTheServiceFreesThePort() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            UdpService discard = UdpService.startOnStack("discard", net.socketsB, 9, data -> null);
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsA.sendto(fd, new byte[1], 0, 1, 0, new SockAddrIn(TwoStacks.B, 9));
            net.sim.runFor(Duration.ofMillis(10));
            assertEquals(1, discard.served());
            assertEquals(0, net.b.counters().get(Counter.UDP_NO_PORTS));
            discard.close();
            net.socketsA.sendto(fd, new byte[1], 0, 1, 0, new SockAddrIn(TwoStacks.B, 9));
            net.sim.runFor(Duration.ofMillis(10));
            assertEquals(1, discard.served());
            assertEquals(1, net.b.counters().get(Counter.UDP_NO_PORTS), "port 9 is closed: port unreachable");
        }
    }

    @Test
    void echoIgnoresBroadcastsAndOtherServicesPorts() {
        try (TwoStacks net = TwoStacks.create(capture.writer());
             UdpService echo = UdpService.startOnStack("echo", net.socketsB, 7, data -> data)) {
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            net.socketsA.setsockopt(fd, SOL_SOCKET, SO_BROADCAST, 1);
            net.socketsA.sendto(fd, new byte[] {1}, 0, 1, 0, SockAddrIn.of("10.0.0.255", 7));
            int fromChargen = net.socketsA.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            net.socketsA.bind(fromChargen, new SockAddrIn(Ipv4Address.ANY, 19));
            net.socketsA.sendto(fromChargen, new byte[] {2}, 0, 1, 0, new SockAddrIn(TwoStacks.B, 7));
            net.sim.runFor(Duration.ofMillis(10));
            assertEquals(2, net.b.counters().get(Counter.UDP_IN_DATAGRAMS), "both arrived");
            assertEquals(0, echo.served());
            assertEquals(null, recvOrNull(net.socketsA, fd));
            assertEquals(null, recvOrNull(net.socketsA, fromChargen), "no echo to chargen: they would loop");
        }
    }

    @Test
    void aHandlerThatThrowsIsTakenOffAndDatagramsQueueAgain() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int server = net.socketsB.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            net.socketsB.bind(server, new SockAddrIn(Ipv4Address.ANY, 5001));
            int[] calls = new int[1];
            net.socketsB.serveDatagramsOnStack(server, (ep, ip, port, payload, broadcast) -> {
                calls[0]++;
                throw new IllegalStateException("handler bug");
            });
            int fd = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            for (int i = 0; i < 2; i++) {
                net.socketsA.sendto(fd, new byte[] {(byte) i}, 0, 1, 0, new SockAddrIn(TwoStacks.B, 5001));
            }
            net.sim.runFor(Duration.ofMillis(10));
            assertEquals(1, calls[0], "called once, then taken off");
            assertEquals(0, net.b.counters().get(Counter.LINK_IN_ERRORS_CAUGHT), "not an internal error of the stack");
            assertArrayEquals(new byte[] {1}, recvOrNull(net.socketsB, server), "the next datagram was queued");
        }
    }
}
