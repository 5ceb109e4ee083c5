package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.link.FaultProfile;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;

/**
 * Bulk transfers between two stacks in virtual time, both directions at once, under seeded faults: the bytes
 * must arrive complete and in order (SHA-256 equal at both ends), and both ends must reach CLOSED.
 * 100 MB each way by default (about 2 minutes for the five profiles on our 2-core machines, most of it the
 * paranoid leak detector recording buffer accesses); {@code -Dnetstack4j.transferBytes=N} changes it.
 */
class TcpTransferTest {
    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

    static Stream<Arguments> profiles() {
        long ms = 1_000_000;
        return Stream.of(
                Arguments.of("clean", FaultProfile.NONE, 1L),
                Arguments.of("loss 1%", FaultProfile.NONE.withLoss(0.01), 2L),
                Arguments.of("loss 5%", FaultProfile.NONE.withLoss(0.05), 3L),
                Arguments.of("loss 10%", FaultProfile.NONE.withLoss(0.10), 4L),
                Arguments.of("reorder 5% + duplicate 2% + corrupt 1%", FaultProfile.NONE.withReorder(0.05, 2 * ms)
                        .withDuplicate(0.02).withCorrupt(0.01), 5L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void bothDirectionsArriveIntactAndBothEndsClose(String name, FaultProfile faults, long seed) throws Exception {
        int size = Integer.getInteger("netstack4j.transferBytes", 100 * 1024 * 1024);
        transfer(faults, seed, size, size, capture.writer());
    }

    /**
     * Issue 5's long haul: 1 GiB one way under loss, reordering and duplication at once, SHA-exact
     * ({@code -Dnetstack4j.bigTransferBytes=N} changes the size). Not captured: a pcap of 1 GiB held in memory
     * until the test ends would cost more than the transfer; the seed reproduces any failure.
     */
    @Test
    void oneGibibyteUnderLossReorderingAndDuplication() throws Exception {
        int size = Integer.getInteger("netstack4j.bigTransferBytes", 1 << 30);
        FaultProfile faults = FaultProfile.NONE.withLoss(0.01).withReorder(0.03, 2_000_000).withDuplicate(0.01);
        transfer(faults, 6L, size, 0, null);
    }

    private void transfer(FaultProfile faults, long seed, int sizeAB, int sizeBA, org.netstack4j.link.PcapWriter pcap)
            throws Exception {
        try (TwoStacks net = TwoStacks.create(1500, faults.withDelay(1_000_000, 0), seed, pcap)) {
            BsdSockets a = net.socketsA;
            BsdSockets b = net.socketsB;
            Connected conn = Connected.open(net, 16);
            int l = conn.listener();
            int c = conn.client();
            int s = conn.server();
            Pump ab = new Pump(a, c, b, s, sizeAB, seed);
            Pump ba = new Pump(b, s, a, c, sizeBA, seed + 100);
            boolean done = net.sim.runUntil(() -> {
                ab.step();
                ba.step();
                return ab.done() && ba.done();
            }, Duration.ofHours(10));
            assertTrue(done, "transfer stalled: a->b " + ab.received + "/" + sizeAB + ", b->a " + ba.received + "/"
                    + sizeBA + "\n" + net.a.tcp().connections().stream().map(TcpConnection::describe).toList()
                    + "\n" + net.b.tcp().connections().stream().map(TcpConnection::describe).toList()
                    + "\nnow=" + net.sim.clock().nanos());
            assertEquals(sizeAB, ab.received);
            assertEquals(sizeBA, ba.received);
            assertArrayEquals(ab.sentDigest.digest(), ab.receivedDigest.digest(), "a->b SHA-256");
            assertArrayEquals(ba.sentDigest.digest(), ba.receivedDigest.digest(), "b->a SHA-256");
            a.close(c);
            b.close(s);
            b.close(l);
            assertTrue(net.sim.runUntil(() -> net.a.tcp().connections().isEmpty() && net.b.tcp().connections().isEmpty(),
                    Duration.ofMinutes(10)), "both ends reach CLOSED (TIME-WAIT included)");
        }
    }

    /**
     * A non-blocking connection from A to B's port 80, accepted: B's listener (with {@code backlog}), A's socket
     * and B's accepted socket.
     */
    record Connected(int listener, int client, int server) {
        static Connected open(TwoStacks net, int backlog) {
            return open(net, backlog, 0);
        }

        /** Like {@link #open(TwoStacks, int)}, with SO_RCVBUF {@code receiveBuffer} on B's listener if positive. */
        static Connected open(TwoStacks net, int backlog, int receiveBuffer) {
            BsdSockets a = net.socketsA;
            BsdSockets b = net.socketsB;
            int l = b.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (receiveBuffer > 0) {
                b.setsockopt(l, SOL_SOCKET, SO_RCVBUF, receiveBuffer);
            }
            b.bind(l, new SockAddrIn(TwoStacks.B, 80));
            b.listen(l, backlog);
            int c = a.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            try {
                a.connect(c, new SockAddrIn(TwoStacks.B, 80));
            } catch (ErrnoException e) {
                assertEquals(org.netstack4j.socket.Errno.EINPROGRESS, e.errno());
            }
            assertTrue(net.sim.runUntil(() -> b.poll(new org.netstack4j.socket.PollFd[] {
                    new org.netstack4j.socket.PollFd(l, POLLIN)}, 0) > 0, Duration.ofSeconds(60)), "handshake");
            int s = b.accept(l).fd();
            b.fcntl(s, F_SETFL, O_NONBLOCK);
            return new Connected(l, c, s);
        }
    }

    /** Moves one direction's bytes: writes what fits, reads what arrived, hashes both sides, then shuts down. */
    static final class Pump {
        final BsdSockets from;
        final int fromFd;
        final BsdSockets to;
        final int toFd;
        final int size;
        final byte[] data;
        int sent;
        int received;
        boolean eof;
        boolean shut;
        final MessageDigest sentDigest;
        final MessageDigest receivedDigest;
        final byte[] buf = new byte[65536];

        Pump(BsdSockets from, int fromFd, BsdSockets to, int toFd, int size, long seed) throws Exception {
            this.from = from;
            this.fromFd = fromFd;
            this.to = to;
            this.toFd = toFd;
            this.size = size;
            this.data = new byte[1 << 20];
            new SplittableRandom(seed).nextBytes(data);
            this.sentDigest = MessageDigest.getInstance("SHA-256");
            this.receivedDigest = MessageDigest.getInstance("SHA-256");
        }

        void step() {
            while (sent < size) {
                int off = sent % data.length;
                int len = Math.min(size - sent, data.length - off);
                int n;
                try {
                    n = from.send(fromFd, data, off, len, MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    break;
                }
                sentDigest.update(data, off, n);
                sent += n;
            }
            if (sent == size && !shut) {
                from.shutdown(fromFd, SHUT_WR);
                shut = true;
            }
            while (!eof) {
                int n;
                try {
                    n = to.recv(toFd, buf, 0, buf.length, MSG_DONTWAIT);
                } catch (ErrnoException e) {
                    break;
                }
                if (n == 0) {
                    eof = true;
                    break;
                }
                receivedDigest.update(buf, 0, n);
                received += n;
            }
        }

        boolean done() {
            return eof && received == size;
        }
    }

    @Test
    void smallExchangeClosesCleanly() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            BsdSockets a = net.socketsA;
            BsdSockets b = net.socketsB;
            int l = b.socket(AF_INET, SOCK_STREAM, 0);
            b.bind(l, new SockAddrIn(TwoStacks.B, 7));
            b.listen(l, 4);
            int c = a.socket(AF_INET, SOCK_STREAM, 0);
            a.connect(c, new SockAddrIn(TwoStacks.B, 7));
            int s = b.accept(l).fd();
            a.write(c, "hello".getBytes(), 0, 5);
            byte[] buf = new byte[16];
            assertEquals(5, b.read(s, buf, 0, 16));
            a.close(c);
            assertEquals(0, b.read(s, buf, 0, 16), "end of stream");
            b.close(s);
            net.sim.runFor(Duration.ofSeconds(61));
            assertTrue(net.a.tcp().connections().isEmpty());
            assertTrue(net.b.tcp().connections().isEmpty());
            b.close(l);
        }
    }
}
