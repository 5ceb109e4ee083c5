package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * The discrete-event loop of {@link Simulation}: time jumps to the next deadline, and no earlier event is skipped,
 * whoever scheduled it.
 */
class SimulationTest {
    private static final long LATENCY = 1_000_000;

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
     * A frame that a stack sends from a timer (here a keep-alive probe) is in flight only after the scheduler was
     * asked for its next event: it must still arrive one link latency later, not at the next deadline of some
     * other timer (here the next keep-alive, a second later; in a bulk transfer the sender's RTO, after a tail
     * loss probe or a RACK reordering-timer retransmission).
     */
    @Test
    void aFrameSentFromATimerArrivesAfterTheLinkLatency() throws TcpException {
        try (Pair p = new Pair()) {
            p.client.setKeepAlive(true, Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(1).toNanos(), 3);
            long sentBefore = p.a.counters().get(Counter.TCP_OUT_SEGS);
            long receivedBefore = p.b.counters().get(Counter.TCP_IN_SEGS);
            long[] sentAt = {-1};
            // One run across both events: the run must not stop between the send and the arrival, as the bug
            // showed only when time advanced from the instant of the send.
            assertTrue(p.sim.runUntil(() -> {
                if (sentAt[0] < 0 && p.a.counters().get(Counter.TCP_OUT_SEGS) > sentBefore) {
                    sentAt[0] = p.sim.clock().nanos();
                }
                return p.b.counters().get(Counter.TCP_IN_SEGS) > receivedBefore;
            }, Duration.ofSeconds(5)));
            assertEquals(LATENCY, p.sim.clock().nanos() - sentAt[0], "the probe's time on a 1 ms link");
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
