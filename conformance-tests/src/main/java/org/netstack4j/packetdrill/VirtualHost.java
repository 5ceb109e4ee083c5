package org.netstack4j.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.stack.StackDriver;
import org.netstack4j.time.Pollable;
import org.netstack4j.time.VirtualClock;

/**
 * One fresh stack on a {@link ScriptDevice}, in virtual time on the caller's thread. The host answers the
 * stack's ARP requests itself (the script deals in IP only), and after every step of time runs the
 * registered {@link #onStep} hooks, which is how blocked system calls are retried.
 */
final class VirtualHost implements AutoCloseable {
    /** The MAC of the gateway the remote end sits behind (answers every ARP request). */
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    /** The stack's MAC. */
    static final long STACK_MAC = 0x02_00_00_00_00_01L;
    private static final int MAX_ROUNDS = 100_000;

    final VirtualClock clock = new VirtualClock();
    final ScriptDevice device;
    final NetStack stack;
    final BsdSockets sockets;
    private final List<byte[]> outbound = new ArrayList<>();
    private final List<Long> outboundTimes = new ArrayList<>();
    private BooleanSupplier onStep = () -> false;
    private java.util.function.LongSupplier wakeups = () -> Long.MAX_VALUE;

    VirtualHost(StackConfig config, int mtu, PcapWriter pcap) {
        device = new ScriptDevice(mtu, clock, pcap);
        stack = new NetStack(config, device, clock);
        device.start(stack::receive);
        stack.start();
        sockets = new BsdSockets(new Driver());
        settle();
    }

    /** The hook run after each step; returns true if it changed something (then the stack is polled again). */
    void onStep(BooleanSupplier hook) {
        this.onStep = hook;
    }

    /** Where the runner's own next deadline comes from (e.g. a poll() timeout), in microseconds. */
    void wakeups(java.util.function.LongSupplier nextWakeMicros) {
        this.wakeups = nextWakeMicros;
    }

    /** Now, in microseconds since the script started. */
    long nowMicros() {
        return clock.nanos() / 1000;
    }

    /** Runs everything due now until nothing changes; returns the next deadline in nanoseconds. */
    long settle() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long next = stack.poll();
            boolean changed = drainDevice();
            changed |= onStep.getAsBoolean();
            if (!changed && next > clock.nanos()) {
                return next;
            }
        }
        throw new IllegalStateException("the stack does not settle at t=" + clock.nanos() + " ns");
    }

    /** Moves ARP out of the way and queues IP packets for the matcher; true if anything was sent. */
    private boolean drainDevice() {
        boolean any = false;
        ScriptDevice.Sent s;
        while ((s = device.sent().poll()) != null) {
            any = true;
            byte[] f = s.frame();
            if (f.length < 14) {
                continue;
            }
            int type = FrameCodec.get16(f, 12);
            if (type == FrameCodec.ETHERTYPE_ARP && f.length >= 14 + 28 && FrameCodec.get16(f, 14 + 6) == 1) {
                int sender = (int) FrameCodec.get32(f, 14 + 14);
                int target = (int) FrameCodec.get32(f, 14 + 24);
                if (target != sender) { // not a gratuitous announcement
                    device.inject(FrameCodec.ethernet(STACK_MAC, PEER_MAC, FrameCodec.ETHERTYPE_ARP,
                            FrameCodec.arp(2, PEER_MAC, target, STACK_MAC, sender)));
                }
            } else if (type == FrameCodec.ETHERTYPE_IPV4) {
                outbound.add(java.util.Arrays.copyOfRange(f, 14, f.length));
                outboundTimes.add(s.nanos());
            }
        }
        return any;
    }

    /** Runs time forward to {@code micros} (absolute). */
    void runUntil(long micros) {
        runUntil(() -> false, micros);
    }

    /** Runs time forward until {@code done} holds (checked after every step) or {@code micros} is reached. */
    boolean runUntil(BooleanSupplier done, long micros) {
        long limit = micros * 1000;
        while (true) {
            long wake = wakeups.getAsLong();
            long next = Math.min(settle(), wake >= Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : wake * 1000);
            if (done.getAsBoolean()) {
                return true;
            }
            if (next > limit || next == Pollable.NEVER) {
                clock.advanceTo(limit);
                settle();
                return done.getAsBoolean();
            }
            clock.advanceTo(next);
        }
    }

    /** IP packets sent and not yet taken. */
    int pendingOutbound() {
        return outbound.size();
    }

    /** The oldest IP packet not yet taken, or null. */
    byte[] peekOutbound() {
        return outbound.isEmpty() ? null : outbound.get(0);
    }

    /** When the oldest packet was sent, in microseconds. */
    long peekOutboundMicros() {
        return outboundTimes.get(0) / 1000;
    }

    /** Removes the oldest IP packet. */
    void takeOutbound() {
        outbound.remove(0);
        outboundTimes.remove(0);
    }

    /** Injects an IPv4 packet from the remote end. */
    void inject(byte[] ipPacket) {
        device.inject(FrameCodec.ethernet(STACK_MAC, PEER_MAC, FrameCodec.ETHERTYPE_IPV4, ipPacket));
    }

    @Override
    public void close() {
        stack.shutdown();
        device.close();
    }

    /**
     * Runs socket calls on this thread. The runner never lets a call block (it retries the non-blocking form
     * after each step instead), so a wait here is a runner bug or a call the runner cannot make block-free.
     */
    private final class Driver implements StackDriver {
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
            return 0;
        }

        @Override
        public boolean awaitReadiness(long seen, long timeoutNanos) {
            throw new WouldBlock();
        }
    }

    /** Thrown when a socket call would have to wait. */
    static final class WouldBlock extends RuntimeException {
        WouldBlock() {
            super("the call would block", null, false, false);
        }
    }
}
