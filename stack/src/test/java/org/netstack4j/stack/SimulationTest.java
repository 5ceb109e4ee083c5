package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.netstack4j.link.InMemoryLink;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpException;
import org.netstack4j.tcp.TcpListener;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/** The discrete-event loop of {@link Simulation}: frames and timers happen when they are due, not later. */
class SimulationTest {
    private static final long LATENCY = 1_000_000;

    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

    /** Two stacks on a 1 ms cable with an idle connection from A (client) to B (server). */
    private static final class Pair implements AutoCloseable {
        final Simulation sim = new Simulation();
        final NetStack a;
        final NetStack b;
        final TcpConnection client;
        final TcpConnection server;

        Pair() throws TcpException {
            InMemoryLink link = InMemoryLink.create(sim.scheduler(), 1500, LATENCY);
            Ipv4Address ipB = Ipv4Address.parse("10.0.0.2");
            a = sim.addStack(StackConfig.builder(MacAddress.parse("02:00:00:00:00:01"),
                    Ipv4Address.parse("10.0.0.1"), 24).seed(1).build(), link.a());
            b = sim.addStack(StackConfig.builder(MacAddress.parse("02:00:00:00:00:02"), ipB, 24)
                    .seed(2).build(), link.b());
            TcpListener listener = b.tcp().listen(0, 9, 4, 65536, 65536);
            client = a.tcp().connect(0, ipB.bits(), 9, 65536, 65536, false, false, 0);
            TcpConnection[] accepted = new TcpConnection[1];
            assertTrue(sim.runUntil(() -> (accepted[0] = b.tcp().accept(listener)) != null, Duration.ofSeconds(1)));
            server = accepted[0];
            sim.runFor(Duration.ofMillis(10)); // the handshake's last ACK and any window update are through
        }

        @Override
        public void close() {
            sim.close();
        }
    }

    /**
     * A frame sent by a timer while nothing else is in flight arrives after the link's latency. The simulation
     * once took the links' next deadline from before the stacks' timers ran, so such a frame (a keep-alive probe
     * here; a retransmission after a timeout in the goodput tests) waited for the next timer of any stack.
     */
    @Test
    void frameSentByATimerOnAnIdleNetworkArrivesOnTime() {
        try (TwoStacks net = TwoStacks.create(capture.writer())) {
            int l = net.socketsB.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsB.bind(l, new SockAddrIn(TwoStacks.B, 80));
            net.socketsB.listen(l, 1);
            int c = net.socketsA.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsA.setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, 1);
            net.socketsA.setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, 10);
            net.socketsA.setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, 60);
            net.socketsA.connect(c, new SockAddrIn(TwoStacks.B, 80));
            int s = net.socketsB.accept(l).fd();
            long idleFrom = net.sim.clock().nanos();
            long before = net.b.counters().get(Counter.TCP_IN_SEGS);
            // The probe leaves after 10 s of idle; the next timer anywhere is the next probe, 60 s later.
            assertTrue(net.sim.runUntil(() -> net.b.counters().get(Counter.TCP_IN_SEGS) > before,
                    Duration.ofSeconds(100)), "the probe reached B");
            long arrival = net.sim.clock().nanos() - idleFrom;
            assertTrue(arrival >= 10_000_000_000L && arrival < 10_001_000_000L,
                    "the probe arrived a link latency after 10 s of idle, not with the next timer: " + arrival + " ns");
            net.socketsA.close(c);
            net.socketsB.close(s);
            net.socketsB.close(l);
        }
    }

    /**
     * The condition of {@link Simulation#runUntil} may act as an application does (the benchmark reads and writes
     * in it): what that sends arrives one link latency later, not when the run's limit or some later timer comes.
     */
    @Test
    void whatTheConditionSendsArrivesAfterTheLinkLatency() throws TcpException {
        try (Pair p = new Pair()) {
            long[] wroteAt = {-1};
            assertTrue(p.sim.runUntil(() -> {
                if (wroteAt[0] < 0) {
                    assertEquals(100, p.client.write(new byte[100], 0, 100));
                    wroteAt[0] = p.sim.clock().nanos();
                }
                return p.server.readable() > 0;
            }, Duration.ofSeconds(5)));
            assertEquals(LATENCY, p.sim.clock().nanos() - wroteAt[0], "the write's time on a 1 ms link");
        }
    }
}
