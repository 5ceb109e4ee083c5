package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.netstack4j.stats.Counter;
import org.netstack4j.testing.CapturingDevice;
import org.netstack4j.testing.Frames;
import org.netstack4j.testing.OneStack;
import org.netstack4j.time.Clock;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.ArpPacket;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.MacAddress;

/**
 * {@link NetStack#now()}: one clock reading per event (a frame, a poll, a queued socket call), the clock itself
 * between events. Handling a datagram for a closed port reads the time twice without it (the ICMP error rate
 * limit, then the ARP entry's expiry on the way out).
 */
class EventTimeTest {

    /** A clock that moves 1 us at every reading and counts them. */
    private static final class TickingClock implements Clock {
        long reads;

        @Override
        public long nanos() {
            return ++reads * 1_000;
        }
    }

    private static NetStack stack(TickingClock clock, CapturingDevice wire) {
        NetStack stack = new NetStack(StackConfig.builder(OneStack.US_MAC, OneStack.US, 24).seed(1).build(), wire,
                clock);
        stack.start();
        // Learn the peer's MAC, so that the answer goes out at once rather than waiting for ARP.
        stack.receive(Frames.arp(OneStack.US_MAC, new ArpMessage(ArpPacket.OP_REQUEST, OneStack.PEER_MAC,
                OneStack.PEER, MacAddress.ZERO, OneStack.US)));
        wire.discardAll();
        return stack;
    }

    private static ByteBuf datagramToClosedPort() {
        byte[] udp = Frames.udp(OneStack.PEER, 999, OneStack.US, 4000, new byte[] {1, 2, 3});
        return Frames.ipv4(OneStack.US_MAC, OneStack.PEER_MAC,
                Ipv4Header.of(Ipv4Packet.PROTO_UDP, OneStack.PEER, OneStack.US, udp.length, 64, 1), udp);
    }

    @Test
    void aFrameReadsTheClockOnce() {
        TickingClock clock = new TickingClock();
        CapturingDevice wire = new CapturingDevice(1500);
        NetStack stack = stack(clock, wire);
        long before = clock.reads;
        stack.receive(datagramToClosedPort());
        assertEquals(1, wire.discardAll(), "the port unreachable went out");
        assertEquals(1, stack.counters().get(Counter.ICMP_OUT_DEST_UNREACHS));
        assertEquals(1, clock.reads - before, "clock readings while handling the frame");
    }

    @Test
    void aQueuedSocketCallReadsTheClockOnce() {
        TickingClock clock = new TickingClock();
        CapturingDevice wire = new CapturingDevice(1500);
        NetStack stack = stack(clock, wire);
        long[] seen = new long[3];
        long before = clock.reads;
        stack.runEvent(() -> {
            seen[0] = stack.now();
            seen[1] = stack.now();
            stack.receive(datagramToClosedPort()); // nested: keeps the outer event's time
            seen[2] = stack.now();
        });
        assertEquals(1, wire.discardAll(), "the port unreachable went out");
        assertEquals(1, clock.reads - before);
        assertEquals(seen[0], seen[1]);
        assertEquals(seen[0], seen[2]);
    }

    @Test
    void betweenEventsTheClockIsReadEachTime() {
        TickingClock clock = new TickingClock();
        NetStack stack = stack(clock, new CapturingDevice(1500));
        stack.poll();
        long first = stack.now();
        long second = stack.now();
        assertNotEquals(first, second, "a frozen time leaked out of poll()");
    }

    @Test
    void anEventThatThrowsDoesNotLeaveTheTimeFrozen() {
        TickingClock clock = new TickingClock();
        NetStack stack = stack(clock, new CapturingDevice(1500));
        assertThrows(IllegalStateException.class, () -> stack.runEvent(() -> {
            throw new IllegalStateException("a socket call failed");
        }));
        assertFalse(stack.inEvent());
        assertNotEquals(stack.now(), stack.now());
    }

    @Test
    void aRefreshInsideAnEventReadsTheClockAgain() {
        TickingClock clock = new TickingClock();
        NetStack stack = stack(clock, new CapturingDevice(1500));
        long[] seen = new long[2];
        stack.runEvent(() -> {
            seen[0] = stack.now();
            stack.refreshEventTime(); // as before each stream handler
            seen[1] = stack.now();
        });
        assertTrue(seen[1] > seen[0]);
        stack.refreshEventTime(); // outside an event: nothing to refresh, nothing frozen
        assertFalse(stack.inEvent());
    }
}
