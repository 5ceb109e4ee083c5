package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.link.DirectLink;
import org.netstack4j.service.StandardServices;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.testing.TwoStacks;

/**
 * Two stacks on real event-loop threads: blocking socket calls from many virtual threads at once, the UDP
 * services, and a clean shutdown. No sleeps: every wait is a blocking call that returns when data arrives.
 */
@Timeout(30)
class EventLoopServicesTest {

    @Test
    void virtualThreadsTalkToTheServicesThroughBlockingCalls() throws Exception {
        DirectLink link = new DirectLink(1500);
        try (EventLoop server = EventLoop.start(StackConfig.builder(TwoStacks.MAC_B, TwoStacks.B, 24).build(), link.b());
             EventLoop client = EventLoop.start(StackConfig.builder(TwoStacks.MAC_A, TwoStacks.A, 24).build(), link.a());
             StandardServices services = StandardServices.start(new BsdSockets(server), StandardServices.NAMES)) {
            BsdSockets api = new BsdSockets(client);
            // Resolve the server's MAC first: datagrams queued behind ARP are bounded (and UDP may drop them).
            echoOnce(api, "warm-up".getBytes(StandardCharsets.US_ASCII));
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<byte[]>> echoes = new java.util.ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    echoes.add(pool.submit(() -> {
                        byte[] msg = ("hello " + n).repeat(n * 5 + 1).getBytes(StandardCharsets.US_ASCII);
                        assertArrayEquals(msg, echoOnce(api, msg));
                        return msg;
                    }));
                }
                for (Future<byte[]> f : echoes) {
                    f.get(20, TimeUnit.SECONDS);
                }
            }
            int fd = api.socket(AF_INET, SOCK_DGRAM, 0);
            api.connect(fd, new SockAddrIn(TwoStacks.B, 13));
            api.send(fd, new byte[1], 0, 1, 0);
            byte[] buf = new byte[128];
            String day = new String(buf, 0, api.recv(fd, buf, 0, buf.length, 0), StandardCharsets.US_ASCII);
            assertTrue(day.endsWith("-UTC\r\n"), day);
            assertEquals(51, services.services().getFirst().served());
        }
    }

    /** Sends {@code msg} to the echo service and returns the answer, failing after 10 s without one. */
    private static byte[] echoOnce(BsdSockets api, byte[] msg) {
        int fd = api.socket(AF_INET, SOCK_DGRAM, 0);
        try {
            api.connect(fd, new SockAddrIn(TwoStacks.B, 7));
            api.send(fd, msg, 0, msg.length, 0);
            org.netstack4j.socket.PollFd[] p = {new org.netstack4j.socket.PollFd(fd, POLLIN)};
            assertEquals(1, api.poll(p, 10_000), "no echo within 10 s");
            byte[] buf = new byte[65536];
            int got = api.recv(fd, buf, 0, buf.length, 0);
            return java.util.Arrays.copyOf(buf, got);
        } finally {
            api.close(fd);
        }
    }

    @Test
    void closingADescriptorWakesItsBlockedReader() throws Exception {
        DirectLink link = new DirectLink(1500);
        try (EventLoop loop = EventLoop.start(StackConfig.builder(TwoStacks.MAC_A, TwoStacks.A, 24).build(), link.a())) {
            BsdSockets api = new BsdSockets(loop);
            int fd = api.socket(AF_INET, SOCK_DGRAM, 0);
            api.bind(fd, SockAddrIn.of("0.0.0.0", 5000));
            Thread reader = Thread.ofVirtual().start(() -> {
                ErrnoException e = assertThrows(ErrnoException.class, () -> api.recv(fd, new byte[8], 0, 8, 0));
                assertEquals(Errno.EBADF, e.errno());
            });
            // Wait until the reader is parked inside recv, then close under it.
            while (reader.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            api.close(fd);
            reader.join(5000);
            assertTrue(!reader.isAlive());
        }
    }
}
