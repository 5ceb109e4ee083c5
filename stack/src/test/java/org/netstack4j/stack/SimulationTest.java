package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.link.InMemoryLink;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpException;
import org.netstack4j.tcp.TcpListener;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/** The discrete-event loop of {@link Simulation}: time jumps to the next deadline, and no earlier event is skipped. */
class SimulationTest {
    private static final long LATENCY = 1_000_000;

    /**
     * A frame that a stack sends from a timer (here a keep-alive probe) is in flight only after the scheduler was
     * asked for its next event: it must still arrive one link latency later, not at the next deadline of some
     * other timer (which used to be the sender's next keep-alive, a second later, or its RTO for a tail loss
     * probe or a RACK retransmission in a bulk transfer).
     */
    @Test
    void aFrameSentFromATimerArrivesAfterTheLinkLatency() throws TcpException {
        try (Simulation sim = new Simulation()) {
            InMemoryLink link = InMemoryLink.create(sim.scheduler(), 1500, LATENCY);
            Ipv4Address ipB = Ipv4Address.parse("10.0.0.2");
            NetStack a = sim.addStack(StackConfig.builder(MacAddress.parse("02:00:00:00:00:01"),
                    Ipv4Address.parse("10.0.0.1"), 24).seed(1).build(), link.a());
            NetStack b = sim.addStack(StackConfig.builder(MacAddress.parse("02:00:00:00:00:02"), ipB, 24)
                    .seed(2).build(), link.b());
            TcpListener listener = b.tcp().listen(0, 9, 4, 65536, 65536);
            TcpConnection client = a.tcp().connect(0, ipB.bits(), 9, 65536, 65536, false, false, 0);
            TcpConnection[] server = new TcpConnection[1];
            assertTrue(sim.runUntil(() -> (server[0] = b.tcp().accept(listener)) != null, Duration.ofSeconds(1)));
            assertNotNull(server[0]);
            sim.runFor(Duration.ofMillis(10)); // the handshake's last ACK and any window update are through

            client.setKeepAlive(true, Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(1).toNanos(), 3);
            long sentBefore = a.counters().get(Counter.TCP_OUT_SEGS);
            long receivedBefore = b.counters().get(Counter.TCP_IN_SEGS);
            long[] sentAt = {-1};
            // One run across both events: the run must not stop between the send and the arrival, as the bug
            // showed only when time advanced from the instant of the send.
            assertTrue(sim.runUntil(() -> {
                if (sentAt[0] < 0 && a.counters().get(Counter.TCP_OUT_SEGS) > sentBefore) {
                    sentAt[0] = sim.clock().nanos();
                }
                return b.counters().get(Counter.TCP_IN_SEGS) > receivedBefore;
            }, Duration.ofSeconds(5)));
            assertEquals(LATENCY, sim.clock().nanos() - sentAt[0], "the probe's time on a 1 ms link");
        }
    }
}
