package org.netstack4j.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.netstack4j.link.LinkScheduler;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.time.Pollable;
import org.netstack4j.time.VirtualClock;

/**
 * A network of stacks and in-memory links running in virtual time on the caller's thread: a discrete-event
 * simulation. Time jumps from one deadline to the next, so a minute of TIME_WAIT or a 30-second reassembly
 * timeout costs microseconds, and a seeded run always does the same thing.
 */
public final class Simulation implements AutoCloseable {
    private static final int MAX_ROUNDS_AT_ONE_INSTANT = 1_000_000;
    private final VirtualClock clock = new VirtualClock();
    private final LinkScheduler scheduler = new LinkScheduler(clock);
    private final List<NetStack> stacks = new ArrayList<>();
    private long readiness;

    /** The virtual clock; advance it only through the run methods. */
    public VirtualClock clock() {
        return clock;
    }

    /** The scheduler that in-memory links and fault injectors in this simulation must use. */
    public LinkScheduler scheduler() {
        return scheduler;
    }

    /** Creates a stack on {@code device}, starts the device and announces the stack (gratuitous ARP). */
    public NetStack addStack(StackConfig config, NetworkDevice device) {
        NetStack s = new NetStack(config, device, clock);
        s.setReadinessListener(() -> readiness++);
        device.start(s::receive);
        stacks.add(s);
        s.start();
        return s;
    }

    /** A driver for the socket facade that runs this simulation whenever a call has to wait. */
    public StackDriver driver(NetStack stack) {
        return new StackDriver() {
            @Override
            public NetStack stack() {
                return stack;
            }

            @Override
            public <T> T call(Supplier<T> action) {
                return action.get();
            }

            @Override
            public long readinessVersion() {
                return readiness;
            }

            @Override
            public boolean awaitReadiness(long seen, long timeoutNanos) {
                refuseInsideAnEvent();
                long limit = timeoutNanos < 0 ? Long.MAX_VALUE : clock.nanos() + timeoutNanos;
                return runUntil(() -> readiness != seen, limit);
            }

            @Override
            public boolean await(ReadinessSignal signal, long seen, long timeoutNanos) {
                refuseInsideAnEvent();
                long limit = timeoutNanos < 0 ? Long.MAX_VALUE : clock.nanos() + timeoutNanos;
                return runUntil(() -> signal.version() != seen, limit);
            }
        };
    }

    /**
     * A blocking socket call from a handler the stacks are running (as an EventLoop refuses one from its own
     * thread): time would move on while the event's time stays frozen, and the stacks would be run re-entrantly.
     */
    private void refuseInsideAnEvent() {
        for (int i = 0; i < stacks.size(); i++) {
            if (stacks.get(i).inEvent()) {
                throw new IllegalStateException("a blocking socket call inside a stack's event (a handler must not block)");
            }
        }
    }

    /** Runs everything due now, repeatedly, and returns the next deadline. */
    private long settle() {
        for (int round = 0; round < MAX_ROUNDS_AT_ONE_INSTANT; round++) {
            scheduler.poll();
            long next = Pollable.NEVER;
            for (int i = 0; i < stacks.size(); i++) { // indexed: no iterator per round
                next = Math.min(next, stacks.get(i).poll());
            }
            // After the stacks: what their timers sent (a retransmission, a delayed ACK) is in flight now, and
            // must arrive on time even when no other frame or timer is due before it.
            next = Math.min(next, scheduler.nextDeadline());
            if (next > clock.nanos()) {
                return next;
            }
        }
        throw new IllegalStateException("simulation does not settle at t=" + clock.nanos() + " ns");
    }

    /** Runs the network for {@code d} of virtual time. */
    public void runFor(Duration d) {
        runUntil(() -> false, clock.nanos() + d.toNanos());
    }

    /**
     * Runs until {@code done} holds or the clock reaches {@code limit} (absolute nanoseconds).
     *
     * @return true if {@code done} held; false on reaching the limit. With no limit and nothing left to
     *     happen it throws, because waiting would last forever.
     */
    public boolean runUntil(BooleanSupplier done, long limit) {
        while (true) {
            settle();
            if (done.getAsBoolean()) {
                return true;
            }
            // The condition may have acted, as an application does (a read that opens the window sends an
            // update, a write sends data and arms the retransmission timer): the deadlines must include that.
            long next = settle();
            if (next > limit) {
                if (limit == Long.MAX_VALUE) {
                    throw new IllegalStateException("would wait forever: nothing is scheduled in the simulation");
                }
                clock.advanceTo(limit);
                settle();
                return done.getAsBoolean();
            }
            clock.advanceTo(next);
        }
    }

    /** Runs until {@code done} holds, for at most {@code max} of virtual time. */
    public boolean runUntil(BooleanSupplier done, Duration max) {
        return runUntil(done, clock.nanos() + max.toNanos());
    }

    /** Runs until nothing is scheduled before {@code max} from now has passed: the network is quiet. */
    public void runUntilQuiet(Duration max) {
        long limit = clock.nanos() + max.toNanos();
        long next;
        while ((next = settle()) != Pollable.NEVER && next <= limit && scheduler.pending() > 0) {
            clock.advanceTo(next);
        }
    }

    /** Shuts every stack down and releases frames still in flight. */
    @Override
    public void close() {
        for (NetStack s : stacks) {
            s.shutdown();
            s.device().close();
        }
        scheduler.close();
    }
}
