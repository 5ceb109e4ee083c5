package org.netstack4j.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.netstack4j.link.FaultInjectingDevice;
import org.netstack4j.link.FaultProfile;
import org.netstack4j.link.InMemoryLink;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.Simulation;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.TcpConnection;
import org.netstack4j.tcp.TcpException;
import org.netstack4j.tcp.TcpListener;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * One TCP transfer between two stacks on the in-memory link in virtual time (1 ms one-way latency, seeded loss
 * on both ends), driven on this thread straight through the TCP layer. Prints the goodput in virtual time (so
 * it is exact and repeatable) and the heap bytes this thread allocated per frame once the transfer runs, which
 * is the whole per-packet path of both stacks: TCP output and input, IPv4, ARP, Ethernet, the link.
 *
 * <p>Usage: {@code TwoStackTransfer MEGABYTES LOSS_PERCENT [MTU [SEED]]}; prints one line,
 * {@code transfer mtu=... loss=... goodput_mbit=... frames=... alloc_bytes_per_frame=...}.
 */
public final class TwoStackTransfer {
    private static final int PORT = 9;
    private static final long LATENCY_NANOS = 1_000_000;
    /** The first part of the transfer warms up (JIT, pools, queues) and is not counted for allocation. */
    private static final double WARM_UP = 0.2;

    private TwoStackTransfer() {
    }

    /** Runs the transfer given on the command line. */
    public static void main(String[] args) throws TcpException {
        if (args.length < 2) {
            System.err.println("usage: TwoStackTransfer MEGABYTES LOSS_PERCENT [MTU [SEED]]");
            System.exit(2);
        }
        long bytes = (long) (Double.parseDouble(args[0]) * 1_000_000);
        double loss = Double.parseDouble(args[1]) / 100;
        int mtu = args.length > 2 ? Integer.parseInt(args[2]) : 1500;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        // On a Netty thread, as the stack's own threads are: Netty keeps its buffer pools' thread caches and
        // object recyclers for those (FastThreadLocalThread) only.
        String[] result = new String[1];
        Thread t = new io.netty.util.concurrent.FastThreadLocalThread(() -> {
            try {
                result[0] = run(bytes, loss, mtu, seed);
            } catch (TcpException e) {
                result[0] = "transfer failed: " + e.getMessage();
            }
        }, "transfer");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println(result[0]);
    }

    static String run(long bytes, double loss, int mtu, long seed) throws TcpException {
        try (Simulation sim = new Simulation()) {
            InMemoryLink link = InMemoryLink.create(sim.scheduler(), mtu, LATENCY_NANOS);
            NetworkDevice devA = link.a();
            NetworkDevice devB = link.b();
            if (loss > 0) {
                devA = new FaultInjectingDevice(devA, sim.scheduler(), FaultProfile.NONE.withLoss(loss), seed);
                devB = new FaultInjectingDevice(devB, sim.scheduler(), FaultProfile.NONE.withLoss(loss), seed * 31 + 7);
            }
            Ipv4Address ipA = Ipv4Address.parse("10.0.0.1");
            Ipv4Address ipB = Ipv4Address.parse("10.0.0.2");
            NetStack a = sim.addStack(StackConfig.builder(MacAddress.parse("02:00:00:00:00:01"), ipA, 24)
                    .seed(seed).build(), devA);
            NetStack b = sim.addStack(StackConfig.builder(MacAddress.parse("02:00:00:00:00:02"), ipB, 24)
                    .seed(seed + 1).build(), devB);
            int rcvBuf = b.tcp().defaultReceiveBuffer();
            int sndBuf = a.tcp().defaultSendBuffer();
            TcpListener listener = b.tcp().listen(0, PORT, 16, rcvBuf, sndBuf);
            TcpConnection sender = a.tcp().connect(0, ipB.bits(), PORT, rcvBuf, sndBuf, false, false, 0);
            TcpConnection[] receiver = new TcpConnection[1];
            byte[] out = new byte[64 * 1024];
            byte[] in = new byte[64 * 1024];
            long[] progress = new long[2]; // sent, received
            long warmBytes = (long) (bytes * WARM_UP);
            long[] mark = new long[3]; // allocated bytes, frames, virtual start (ns) at the end of the warm-up
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long self = Thread.currentThread().threadId();
            boolean done = sim.runUntil(() -> {
                if (receiver[0] == null) {
                    receiver[0] = b.tcp().accept(listener);
                }
                while (progress[0] < bytes) {
                    int n = sender.write(out, 0, (int) Math.min(out.length, bytes - progress[0]));
                    if (n == 0) {
                        break;
                    }
                    progress[0] += n;
                }
                if (receiver[0] != null) {
                    int n;
                    while ((n = receiver[0].read(in, 0, in.length, false)) > 0) {
                        if (progress[1] < warmBytes && progress[1] + n >= warmBytes) {
                            mark[0] = threads.getThreadAllocatedBytes(self);
                            mark[1] = frames(a, b);
                            mark[2] = sim.clock().nanos();
                        }
                        progress[1] += n;
                    }
                }
                return progress[1] >= bytes;
            }, sim.clock().nanos() + 3_600_000_000_000L);
            long allocated = threads.getThreadAllocatedBytes(self) - mark[0];
            long frames = frames(a, b) - mark[1];
            double seconds = (sim.clock().nanos() - mark[2]) / 1e9;
            if (!done) {
                return "transfer failed: " + progress[1] + " of " + bytes + " bytes arrived within an hour of virtual time";
            }
            return String.format(Locale.ROOT, "transfer mtu=%d loss=%.1f goodput_mbit=%.1f frames=%d"
                            + " alloc_bytes_per_frame=%.1f", mtu, loss * 100,
                    (bytes - warmBytes) * 8 / seconds / 1e6, frames, (double) allocated / frames);
        }
    }

    /** IP packets sent by both stacks so far. */
    private static long frames(NetStack a, NetStack b) {
        return a.counters().get(Counter.IP_OUT_REQUESTS) + b.counters().get(Counter.IP_OUT_REQUESTS);
    }
}
