package org.netstack4j.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.netstack4j.stack.BufferFootprint;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;
import org.netstack4j.wire.Ipv4Address;

/** The BSD facade for datagram sockets: calls, errno values and blocking, in virtual time. */
class BsdSocketsUdpTest {
    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

    private static void assertErrno(Errno expected, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    @Test
    void descriptorsStartAtThreeAndAreReused() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            BsdSockets s = net.socketsA;
            assertEquals(3, s.socket(AF_INET, SOCK_DGRAM, 0));
            assertEquals(4, s.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
            s.close(3);
            assertEquals(3, s.socket(AF_INET, SOCK_DGRAM, 0));
            assertErrno(Errno.EBADF, () -> s.close(42));
            assertErrno(Errno.EBADF, () -> s.bind(42, SockAddrIn.of("0.0.0.0", 1)));
            assertErrno(Errno.EAFNOSUPPORT, () -> s.socket(10, SOCK_DGRAM, 0));
            assertErrno(Errno.EPROTONOSUPPORT, () -> s.socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
            assertErrno(Errno.ESOCKTNOSUPPORT, () -> s.socket(AF_INET, 5, 0));
        }
    }

    @Test
    void bindRulesAndEphemeralPorts() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            BsdSockets s = net.socketsA;
            int a = s.socket(AF_INET, SOCK_DGRAM, 0);
            int b = s.socket(AF_INET, SOCK_DGRAM, 0);
            s.bind(a, SockAddrIn.of("0.0.0.0", 5353));
            assertErrno(Errno.EADDRINUSE, () -> s.bind(b, SockAddrIn.of("10.0.0.1", 5353)));
            assertErrno(Errno.EADDRNOTAVAIL, () -> s.bind(b, SockAddrIn.of("10.0.0.9", 5354)));
            assertErrno(Errno.EINVAL, () -> s.bind(a, SockAddrIn.of("0.0.0.0", 5354)));
            s.bind(b, SockAddrIn.of("0.0.0.0", 0));
            int port = s.getsockname(b).port();
            assertTrue(port >= 32768 && port <= 60999, "ephemeral port " + port);
            // SO_REUSEADDR on both lets two sockets share a port.
            int c = s.socket(AF_INET, SOCK_DGRAM, 0);
            int d = s.socket(AF_INET, SOCK_DGRAM, 0);
            s.setsockopt(c, SOL_SOCKET, SO_REUSEADDR, 1);
            s.setsockopt(d, SOL_SOCKET, SO_REUSEADDR, 1);
            s.bind(c, SockAddrIn.of("0.0.0.0", 6000));
            s.bind(d, SockAddrIn.of("0.0.0.0", 6000));
            assertErrno(Errno.ENOTCONN, () -> s.getpeername(c));
        }
    }

    @Test
    void sendAndReceiveWithAddresses() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int rx = net.socketsB.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsB.bind(rx, SockAddrIn.of("0.0.0.0", 7000));
            int tx = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsA.connect(tx, new SockAddrIn(TwoStacks.B, 7000));
            assertEquals(new SockAddrIn(TwoStacks.B, 7000), net.socketsA.getpeername(tx));
            byte[] hello = "hello".getBytes();
            assertEquals(5, net.socketsA.send(tx, hello, 0, 5, 0));
            byte[] buf = new byte[3];
            // Blocks in virtual time until the datagram arrives; too small a buffer truncates (Linux).
            RecvResult r = net.socketsB.recvfrom(rx, buf, 0, 3, MSG_TRUNC);
            assertEquals(5, r.length());
            assertTrue(r.truncated());
            assertArrayEquals("hel".getBytes(), buf);
            assertEquals(net.socketsA.getsockname(tx).port(), r.source().port());
            assertEquals(TwoStacks.A, r.source().address());
            // Answer to the source; the connected socket accepts it.
            net.socketsB.sendto(rx, "back".getBytes(), 0, 4, 0, r.source());
            byte[] back = new byte[16];
            int n = net.socketsA.recv(tx, back, 0, 16, 0);
            assertEquals("back", new String(back, 0, n));
        }
    }

    @Test
    void connectedSocketIgnoresOtherSenders() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int a = net.socketsA.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            net.socketsA.bind(a, SockAddrIn.of("0.0.0.0", 7100));
            net.socketsA.connect(a, new SockAddrIn(TwoStacks.B, 7200));
            int b = net.socketsB.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsB.bind(b, SockAddrIn.of("0.0.0.0", 7300));
            net.socketsB.sendto(b, new byte[] {1}, 0, 1, 0, new SockAddrIn(TwoStacks.A, 7100));
            net.sim.runFor(Duration.ofMillis(10));
            assertErrno(Errno.EAGAIN, () -> net.socketsA.recv(a, new byte[4], 0, 4, 0));
            assertEquals(1, net.a.counters().get(Counter.UDP_NO_PORTS));
        }
    }

    @Test
    void nonBlockingAndPoll() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            BsdSockets s = net.socketsB;
            int fd = s.socket(AF_INET, SOCK_DGRAM, 0);
            s.bind(fd, SockAddrIn.of("0.0.0.0", 7400));
            assertEquals(O_RDWR, s.fcntl(fd, F_GETFL, 0));
            s.fcntl(fd, F_SETFL, O_NONBLOCK);
            assertEquals(O_RDWR | O_NONBLOCK, s.fcntl(fd, F_GETFL, 0));
            assertErrno(Errno.EAGAIN, () -> s.recv(fd, new byte[4], 0, 4, 0));
            PollFd[] p = {new PollFd(fd, POLLIN | POLLOUT), new PollFd(99, POLLIN)};
            assertEquals(2, s.poll(p, 0));
            assertEquals(POLLOUT, p[0].revents);
            assertEquals(POLLNVAL, p[1].revents);
            PollFd[] in = {new PollFd(fd, POLLIN)};
            long before = net.sim.clock().nanos();
            assertEquals(0, s.poll(in, 250), "nothing arrives: poll times out");
            assertEquals(250_000_000L, net.sim.clock().nanos() - before, "after exactly 250 ms of virtual time");
            int tx = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsA.sendto(tx, new byte[] {9}, 0, 1, 0, new SockAddrIn(TwoStacks.B, 7400));
            assertEquals(1, s.poll(in, -1));
            assertEquals(POLLIN, in[0].revents);
            assertEquals(1, s.recv(fd, new byte[4], 0, 4, 0));
        }
    }

    /** Sends {@code count} datagrams from a socket on A to B:{@code port} and lets 10 ms pass. */
    private static void sendFromA(TwoStacks net, int port, int count, java.util.function.IntFunction<byte[]> payload) {
        int tx = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
        for (int i = 0; i < count; i++) {
            byte[] data = payload.apply(i);
            net.socketsA.sendto(tx, data, 0, data.length, 0, new SockAddrIn(TwoStacks.B, port));
        }
        net.sim.runFor(Duration.ofMillis(10));
    }

    @Test
    void receiveBufferBoundsTheQueueAndCountsDrops() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            BsdSockets s = net.socketsB;
            int fd = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            s.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 5000);
            assertEquals(10000, s.getsockopt(fd, SOL_SOCKET, SO_RCVBUF), "Linux doubles the request");
            s.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 1);
            assertEquals(2304, s.getsockopt(fd, SOL_SOCKET, SO_RCVBUF), "and enforces a minimum");
            s.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 5000);
            s.bind(fd, SockAddrIn.of("0.0.0.0", 7500));
            sendFromA(net, 7500, 20, i -> new byte[1000]);
            // Accepted while the memory queued is below 10000 bytes. Like Linux's truesize, each 1000-byte
            // datagram is charged its frame buffer and bookkeeping, so fewer than ten fit (Linux takes about five).
            long accepted = net.b.counters().get(Counter.UDP_IN_DATAGRAMS);
            assertTrue(accepted >= 5 && accepted < 10, accepted + " accepted");
            assertEquals(20 - accepted, net.b.counters().get(Counter.UDP_RCVBUF_ERRORS));
            int got = 0;
            while (true) {
                try {
                    s.recv(fd, new byte[2000], 0, 2000, 0);
                    got++;
                } catch (ErrnoException e) {
                    assertEquals(Errno.EAGAIN, e.errno());
                    break;
                }
            }
            assertEquals(accepted, got);
        }
    }

    /**
     * One-byte datagrams are charged what they keep alive, not one byte each: a 10000-byte SO_RCVBUF holds at most
     * 10000 / {@link BufferFootprint#PER_BUFFER} of them, where counting payload alone let it queue ten thousand
     * frames (a megabyte and more of buffers for a 10 KB limit).
     */
    @Test
    void tinyDatagramsCannotPinAFrameEachBeyondTheBuffer() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            BsdSockets s = net.socketsB;
            int fd = s.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            s.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 5000);
            s.bind(fd, SockAddrIn.of("0.0.0.0", 7501));
            sendFromA(net, 7501, 500, i -> new byte[] {(byte) i});
            long accepted = net.b.counters().get(Counter.UDP_IN_DATAGRAMS);
            assertTrue(accepted >= 1 && accepted <= 10000 / BufferFootprint.PER_BUFFER + 1, accepted + " accepted");
            assertEquals(500 - accepted, net.b.counters().get(Counter.UDP_RCVBUF_ERRORS));
            byte[] one = new byte[1];
            for (int i = 0; i < accepted; i++) {
                assertEquals(1, s.recv(fd, one, 0, 1, 0));
                assertEquals((byte) i, one[0], "in order, none lost before the limit");
            }
        }
    }

    @Test
    void sendErrors() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            BsdSockets s = net.socketsA;
            int fd = s.socket(AF_INET, SOCK_DGRAM, 0);
            assertErrno(Errno.EDESTADDRREQ, () -> s.send(fd, new byte[1], 0, 1, 0));
            byte[] big = new byte[65508];
            assertErrno(Errno.EMSGSIZE, () -> s.sendto(fd, big, 0, big.length, 0, new SockAddrIn(TwoStacks.B, 9)));
            assertErrno(Errno.ENETUNREACH, () -> s.sendto(fd, new byte[1], 0, 1, 0, SockAddrIn.of("192.0.2.1", 9)));
            assertErrno(Errno.EACCES, () -> s.sendto(fd, new byte[1], 0, 1, 0,
                    new SockAddrIn(Ipv4Address.BROADCAST, 9)));
            s.setsockopt(fd, SOL_SOCKET, SO_BROADCAST, 1);
            s.sendto(fd, new byte[1], 0, 1, 0, new SockAddrIn(Ipv4Address.BROADCAST, 9));
            assertErrno(Errno.ENOPROTOOPT, () -> s.setsockopt(fd, SOL_SOCKET, 12345, 1));
        }
    }

    @Test
    void aDatagramOfTheLargestSizeArrivesWhole() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int rx = net.socketsB.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsB.bind(rx, SockAddrIn.of("0.0.0.0", 7600));
            int tx = net.socketsA.socket(AF_INET, SOCK_DGRAM, 0);
            byte[] big = new byte[65507];
            Arrays.fill(big, (byte) 0x42);
            net.socketsA.sendto(tx, big, 0, big.length, 0, new SockAddrIn(TwoStacks.B, 7600));
            byte[] buf = new byte[70000];
            assertEquals(65507, net.socketsB.recv(rx, buf, 0, buf.length, 0));
            assertArrayEquals(big, Arrays.copyOf(buf, 65507));
        }
    }
}
