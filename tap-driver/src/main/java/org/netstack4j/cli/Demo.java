package org.netstack4j.cli;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.POLLIN;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;
import static org.netstack4j.socket.SocketConstants.SOCK_NONBLOCK;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.netstack4j.link.FaultInjectingDevice;
import org.netstack4j.link.FaultProfile;
import org.netstack4j.link.InMemoryLink;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapRecordingDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.PollFd;
import org.netstack4j.socket.RecvResult;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.Simulation;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.wire.Ipv4Address;

/**
 * The embedded demo: two stacks, A (10.0.0.1) and B (10.0.0.2) on 10.0.0.0/24, joined by an in-memory cable in
 * a {@link Simulation}, so it needs no privileges and runs in virtual time. A pings B with several sizes (one of
 * them fragmented), exchanges UDP datagrams with a socket on B, and sends one datagram to a closed port to
 * show ECONNREFUSED. Everything is narrated with virtual timestamps and recorded, at A's end of the cable, to a
 * .pcap file.
 */
public final class Demo {
    /** The capture file used when none is given: in the current directory. */
    public static final Path DEFAULT_CAPTURE = Path.of("netstack4j-demo.pcap");
    static final Ipv4Address A = Ipv4Address.parse("10.0.0.1");
    static final Ipv4Address B = Ipv4Address.parse("10.0.0.2");
    private static final int MTU = 1500;
    private static final long ONE_WAY_LATENCY_NANOS = 20_000;
    private static final int[] PING_SIZES = {0, 56, 1472, 8000};
    private static final int PING_ID = 0x4e34;
    private static final int UDP_PORT = 5000;
    private static final int CLOSED_PORT = 9999;
    private static final int WAIT_MILLIS = 1000;

    private final PrintWriter out;
    private final Simulation sim;
    private final NetStack a;
    private final NetStack b;
    private final BsdSockets socketsA;
    private final BsdSockets socketsB;
    private final long start;
    private final Map<Integer, long[]> replies = new HashMap<>();
    private int pingsAnswered;
    private int datagramsAnswered;
    private boolean refused;

    private Demo(PrintWriter out, Simulation sim, PcapWriter capture, long seed, double loss) {
        this.out = out;
        this.sim = sim;
        InMemoryLink link = InMemoryLink.create(sim.scheduler(), MTU, ONE_WAY_LATENCY_NANOS);
        // Record between the cable and the fault injector: the capture shows what really crossed the wire.
        NetworkDevice devA = new PcapRecordingDevice(link.a(), capture, sim.clock());
        NetworkDevice devB = link.b();
        if (loss > 0) {
            FaultProfile faults = FaultProfile.NONE.withLoss(loss);
            devA = new FaultInjectingDevice(devA, sim.scheduler(), faults, seed);
            devB = new FaultInjectingDevice(devB, sim.scheduler(), faults, seed * 31 + 7);
        }
        this.a = sim.addStack(StackConfig.builder(LocalMac.forAddress(A), A, 24).seed(seed).build(), devA);
        this.b = sim.addStack(StackConfig.builder(LocalMac.forAddress(B), B, 24).seed(seed + 1).build(), devB);
        this.socketsA = new BsdSockets(sim.driver(a));
        this.socketsB = new BsdSockets(sim.driver(b));
        this.start = sim.clock().nanos();
    }

    /**
     * Runs the demo, printing to {@code out} and recording to {@code captureFile}.
     *
     * @param seed seeds every random choice (ports, loss), so a run can be repeated exactly
     * @param loss probability that a frame is lost, in each direction
     * @return the exit code, {@link ExitCodes#OK}
     * @throws CliException if the capture file cannot be written
     */
    public static int run(PrintWriter out, Path captureFile, long seed, double loss) {
        Path file = captureFile.toAbsolutePath();
        PcapWriter capture;
        try {
            capture = new PcapWriter(file);
        } catch (IOException e) {
            throw new CliException("cannot write the capture " + file + ": " + describe(e), e);
        }
        long frames;
        try {
            try (Simulation sim = new Simulation()) {
                new Demo(out, sim, capture, seed, loss).play(seed, loss);
            }
            frames = capture.frames();
        } finally {
            try {
                capture.close();
            } catch (IOException e) {
                throw new CliException("cannot finish the capture " + file + ": " + describe(e), e);
            }
        }
        out.println();
        out.println("capture: " + file + " (" + frames + " frames, recorded at A's end of the cable)");
        out.println("open it with: wireshark " + file);
        out.println("          or: tcpdump -nr " + file);
        out.flush();
        return ExitCodes.OK;
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such directory" : String.valueOf(e.getMessage());
    }

    private void play(long seed, double loss) {
        out.println("netstack4j demo: two user-space stacks joined by an in-memory cable, in virtual time");
        out.printf(Locale.ROOT, "  A = %s (MAC %s), B = %s (MAC %s), 10.0.0.0/24, MTU %d, one-way latency %.3f ms%n",
                A, a.config().mac(), B, b.config().mac(), MTU, ONE_WAY_LATENCY_NANOS / 1e6);
        out.printf(Locale.ROOT, "  seed %d, frame loss %.1f %% each way%n%n", seed, loss * 100);
        pings();
        out.println();
        udpExchange();
        out.println();
        closedPort();
        sim.runUntilQuiet(Duration.ofSeconds(1));
        out.println();
        out.printf("summary: %d of %d echo replies received, %d of 3 UDP datagrams answered, ECONNREFUSED %s%n",
                pingsAnswered, PING_SIZES.length, datagramsAnswered, refused ? "seen" : "not seen (lost)");
        out.println();
        printCounters("A", a);
        printCounters("B", b);
    }

    private void say(long at, String what) {
        out.printf(Locale.ROOT, "[%7.3f ms] %s%n", (at - start) / 1e6, what);
    }

    private void say(String what) {
        say(sim.clock().nanos(), what);
    }

    private static String pingNote(int size) {
        return switch (size) {
            case 0 -> " (an empty ping; first A asks by ARP for B's MAC)";
            case 1472 -> " (the most that fits in one 1500-byte packet)";
            case 8000 -> " (too big for one packet: IPv4 sends fragments and B reassembles them)";
            default -> "";
        };
    }

    private void pings() {
        a.icmp().setEchoReplyListener((from, id, seq, length, at) -> {
            if (id == PING_ID && from.equals(B)) {
                replies.put(seq, new long[] {length, at});
            }
        });
        int seq = 0;
        for (int size : PING_SIZES) {
            int s = ++seq;
            long sent = sim.clock().nanos();
            say(sent, "A pings B with " + size + " data bytes" + pingNote(size));
            Errno e = a.icmp().sendEchoRequest(B, PING_ID, s, size);
            if (e != null) {
                say("the ping could not be sent: " + e.message() + " (" + e.name() + ")");
                continue;
            }
            if (sim.runUntil(() -> replies.containsKey(s), Duration.ofMillis(WAIT_MILLIS))) {
                long[] r = replies.get(s);
                pingsAnswered++;
                say(r[1], String.format(Locale.ROOT, "reply from %s: %d bytes, rtt %.3f ms", B, r[0], (r[1] - sent) / 1e6));
            } else {
                say("no reply within " + WAIT_MILLIS + " ms (lost on the way)");
            }
        }
    }

    private boolean readable(BsdSockets sockets, int fd) {
        return sockets.poll(new PollFd[] {new PollFd(fd, POLLIN)}, WAIT_MILLIS) > 0;
    }

    private void udpExchange() {
        int server = socketsB.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        int client = socketsA.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        try {
            socketsB.bind(server, new SockAddrIn(Ipv4Address.ANY, UDP_PORT));
            say("B opens a UDP socket on port " + UDP_PORT + "; it answers each datagram in capitals");
            byte[] buf = new byte[2048];
            for (int i = 1; i <= 3; i++) {
                byte[] msg = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                socketsA.sendto(client, msg, 0, msg.length, 0, new SockAddrIn(B, UDP_PORT));
                say("A sends \"hello " + i + "\" (" + msg.length + " bytes) from port " + socketsA.getsockname(client).port()
                        + " to " + B + ":" + UDP_PORT);
                if (!readable(socketsB, server)) {
                    say("B received nothing within " + WAIT_MILLIS + " ms (the datagram was lost)");
                    continue;
                }
                RecvResult got = socketsB.recvfrom(server, buf, 0, buf.length, 0);
                String text = new String(buf, 0, got.length(), StandardCharsets.US_ASCII);
                byte[] answer = text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
                say("B receives \"" + text + "\" from " + got.source() + " and answers \""
                        + new String(answer, StandardCharsets.US_ASCII) + "\"");
                socketsB.sendto(server, answer, 0, answer.length, 0, got.source());
                if (!readable(socketsA, client)) {
                    say("A received no answer within " + WAIT_MILLIS + " ms (it was lost)");
                    continue;
                }
                RecvResult back = socketsA.recvfrom(client, buf, 0, buf.length, 0);
                datagramsAnswered++;
                say("A receives \"" + new String(buf, 0, back.length(), StandardCharsets.US_ASCII) + "\" from "
                        + back.source());
            }
        } finally {
            socketsA.close(client);
            socketsB.close(server);
        }
    }

    private void closedPort() {
        int fd = socketsA.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        try {
            socketsA.connect(fd, new SockAddrIn(B, CLOSED_PORT));
            byte[] msg = "anyone there?".getBytes(StandardCharsets.US_ASCII);
            say("A connects a UDP socket to " + B + ":" + CLOSED_PORT + ", where nothing listens, and sends \""
                    + new String(msg, StandardCharsets.US_ASCII) + "\"");
            socketsA.send(fd, msg, 0, msg.length, 0);
            readable(socketsA, fd);
            byte[] buf = new byte[64];
            try {
                socketsA.recv(fd, buf, 0, buf.length, 0);
                say("A unexpectedly received an answer");
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ECONNREFUSED) {
                    refused = true;
                    say("A's recv fails with ECONNREFUSED (" + e.errno().message()
                            + "): B answered with ICMP port unreachable");
                } else {
                    say("A's recv fails with " + e.errno().name() + " (" + e.errno().message() + ")"
                            + (e.errno() == Errno.EAGAIN ? ": nothing came back (lost on the way)" : ""));
                }
            }
        } finally {
            socketsA.close(fd);
        }
    }

    private void printCounters(String name, NetStack stack) {
        out.println("counters of " + name + " (" + stack.config().address() + "):");
        for (String line : stack.counters().format(false).split("\n")) {
            out.println("  " + line);
        }
    }
}
