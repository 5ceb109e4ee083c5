package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;

/** The discrete-event loop of {@link Simulation}: frames and timers happen when they are due, not later. */
class SimulationTest {
    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

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
}
