package org.netstack4j.packetdrill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.tcp.TcpConnection;

/**
 * Runs one packetdrill script against a fresh stack in virtual time and reports PASS, FAIL or SKIP. Thread
 * safe: every {@link #run} builds its own stack, so scripts can run in parallel.
 *
 * <p>Time: relative event times count from when the previous event actually happened, except consecutive
 * inbound packets, which count from the previous one's scheduled time. An outbound packet must appear within
 * the tolerance ({@link RunnerConfig#toleranceFor}). A call written {@code t...end} starts at {@code t}, and
 * later events run while it is blocked; it must return at {@code end}. A call without {@code ...} must return
 * at once. Blocking is emulated by retrying the non-blocking form of the call after every step of time.
 */
public final class ScriptRunner {
    /** Longest wait for a packet expected at any time ({@code *}). */
    private static final long ANY_TIME_LIMIT_MICROS = 3_600_000_000L;
    private final RunnerConfig base;
    private final Map<String, String> defines;
    private final Path pcapDir;

    /**
     * @param base    settings before each script's own option lines
     * @param defines {@code -D NAME=VALUE} substitutions
     * @param pcapDir where to write each script's packets ({@code NAME.pcap}), or null
     */
    public ScriptRunner(RunnerConfig base, Map<String, String> defines, Path pcapDir) {
        this.base = base;
        this.defines = Map.copyOf(defines);
        this.pcapDir = pcapDir;
    }

    /** Runs the script at {@code file}, naming it {@code shownAs} in the result. */
    public ScriptResult run(Path file, String shownAs) {
        Script script;
        try {
            script = ScriptParser.parse(file, defines);
        } catch (ScriptSyntaxException e) {
            return result(shownAs, ScriptResult.Status.FAIL, e.getMessage(), List.of());
        } catch (IOException e) {
            return result(shownAs, ScriptResult.Status.FAIL, file + ": cannot read: " + e.getMessage(), List.of());
        }
        RunnerConfig config;
        try {
            config = base.with(script.options());
        } catch (IllegalArgumentException e) {
            return result(shownAs, ScriptResult.Status.FAIL, file + ": bad option line: " + e.getMessage(), List.of());
        }
        if (!config.ipVersion().equals("ipv4")) {
            return result(shownAs, ScriptResult.Status.SKIP, "--ip_version=" + config.ipVersion() + " (the stack is IPv4 only)", List.of());
        }
        StackSettings settings = new StackSettings();
        ShellEmulator shell = new ShellEmulator(file.toAbsolutePath().getParent(), settings);
        List<Action.Shell> commands = new ArrayList<>();
        if (script.init() != null) {
            commands.add(script.init());
        }
        for (Event e : script.events()) {
            if (e.action() instanceof Action.Shell s) {
                commands.add(new Action.Shell(e.line(), s.command()));
            }
        }
        for (Action.Shell s : commands) {
            String why = shell.apply(s.command());
            if (why != null) {
                return result(shownAs, ScriptResult.Status.SKIP, "line " + s.line() + ": " + why, List.of());
            }
        }
        PcapWriter pcap = null;
        try {
            if (pcapDir != null) {
                Files.createDirectories(pcapDir);
                pcap = new PcapWriter(pcapDir.resolve(pcapName(shownAs)));
            }
            try (Execution x = new Execution(script, config, settings, pcap)) {
                return x.run(shownAs);
            }
        } catch (IOException e) {
            return result(shownAs, ScriptResult.Status.FAIL, "cannot write the pcap file: " + e.getMessage(), List.of());
        } finally {
            if (pcap != null) {
                try {
                    pcap.close();
                } catch (IOException ignored) {
                    // the result already stands; a truncated capture is all that is lost
                }
            }
        }
    }

    /** The pcap file name for a script path: its path with separators turned into underscores. */
    static String pcapName(String shownAs) {
        String n = shownAs.replaceAll("^[./\\\\]+", "").replaceAll("[/\\\\:]", "_");
        return (n.endsWith(".pkt") ? n.substring(0, n.length() - 4) : n) + ".pcap";
    }

    private static ScriptResult result(String path, ScriptResult.Status s, String detail, List<String> warnings) {
        return new ScriptResult(path, s, detail, List.copyOf(warnings));
    }

    private static String time(long micros) {
        return String.format("%d.%06d", micros / 1_000_000, Math.abs(micros % 1_000_000));
    }

    /** A blocked call waiting to complete. */
    private record Pending(SyscallExecutor.Invocation inv, long endMicros, long toleranceMicros) {
    }

    /** The state of one script run. */
    private static final class Execution implements AutoCloseable {
        private final Script script;
        private final RunnerConfig config;
        private final VirtualHost host;
        private final Flow flow = new Flow();
        private final SequenceMap seqs = new SequenceMap();
        private final PacketInjector injector;
        private final PacketMatcher matcher;
        private final SyscallExecutor calls;
        private final PythonAssertions python = new PythonAssertions();
        private final List<Pending> pending = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private String failure;
        private ScriptSkip skip;

        Execution(Script script, RunnerConfig config, StackSettings settings, PcapWriter pcap) {
            this.script = script;
            this.config = config;
            this.host = new VirtualHost(settings.stackConfig(config), config.mtu(), pcap);
            settings.applyTo(host.stack);
            this.injector = new PacketInjector(config, seqs);
            this.matcher = new PacketMatcher(config, seqs);
            this.calls = new SyscallExecutor(host, config, flow);
            host.onStep(this::retryPending);
            host.wakeups(() -> pending.stream().mapToLong(p -> p.inv().wakeAtMicros).min().orElse(Long.MAX_VALUE));
        }

        ScriptResult run(String shownAs) {
            try {
                events();
                finishPending();
                if (failure == null && skip == null && !python.isEmpty()) {
                    String missing = python.missingField();
                    if (missing != null) {
                        throw new ScriptSkip(missing);
                    }
                    String bad = python.evaluate();
                    if (bad != null) {
                        failure = bad;
                    }
                }
            } catch (ScriptSkip s) {
                skip = s;
            }
            if (skip != null) {
                return result(shownAs, ScriptResult.Status.SKIP, skip.getMessage(), warnings);
            }
            if (failure != null) {
                return result(shownAs, ScriptResult.Status.FAIL, failure, warnings);
            }
            return result(shownAs, ScriptResult.Status.PASS, "", warnings);
        }

        private boolean stopped() {
            return failure != null || skip != null;
        }

        /** Records an error, or only a warning when its kind is non-fatal. */
        private void fail(String kind, int line, String message) {
            String text = "line " + line + " at t=" + time(host.nowMicros()) + ": " + message;
            if (config.nonFatal().contains(kind)) {
                warnings.add(text);
            } else if (failure == null) {
                failure = text;
            }
        }

        private void events() throws ScriptSkip {
            long prevActual = 0;
            long prevScheduled = 0;
            boolean prevInbound = false;
            for (Event e : script.events()) {
                if (stopped()) {
                    return;
                }
                EventTime t = e.time();
                boolean inbound = e.action() instanceof Action.Packet p && p.inbound();
                long base = inbound && prevInbound ? prevScheduled : prevActual;
                long lo = switch (t.kind()) {
                    case ABSOLUTE, ABSOLUTE_RANGE -> t.startMicros();
                    case RELATIVE, RELATIVE_RANGE -> base + t.startMicros();
                    case ANY -> host.nowMicros();
                };
                long hi = switch (t.kind()) {
                    case ABSOLUTE_RANGE -> t.rangeEndMicros();
                    case RELATIVE_RANGE -> base + t.rangeEndMicros();
                    case ANY -> host.nowMicros() + ANY_TIME_LIMIT_MICROS;
                    default -> lo;
                };
                long tolerance = t.kind() == EventTime.Kind.ANY ? 0 : config.toleranceFor(hi - base);
                switch (e.action()) {
                    case Action.Packet p when p.inbound() -> {
                        advance(lo);
                        if (stopped()) {
                            return;
                        }
                        host.inject(injector.build(p, flow));
                        prevScheduled = lo;
                        prevActual = Math.max(lo, host.nowMicros());
                    }
                    case Action.Packet p -> {
                        long at = expectOutbound(e, p, t.kind() == EventTime.Kind.ANY ? Long.MIN_VALUE : lo - tolerance,
                                t.kind() == EventTime.Kind.ANY ? hi : hi + tolerance, lo, hi);
                        prevActual = at;
                        prevScheduled = lo;
                    }
                    case Action.Syscall c -> {
                        advance(lo);
                        if (stopped()) {
                            return;
                        }
                        long end = lo;
                        if (t.blockingEnd() != null) {
                            EventTime.BlockingEnd b = t.blockingEnd();
                            end = b.explicitRelative() ? lo + b.micros() : t.relative() ? base + b.micros() : b.micros();
                        }
                        startCall(e, c, end, config.toleranceFor(end - base));
                        prevActual = host.nowMicros();
                        prevScheduled = lo;
                    }
                    case Action.Python py -> {
                        advance(lo);
                        python.add(e.line(), py.code(), snapshot());
                        prevActual = host.nowMicros();
                        prevScheduled = lo;
                    }
                    case Action.Shell s -> {
                        advance(lo); // its settings were applied before the stack started
                        prevActual = host.nowMicros();
                        prevScheduled = lo;
                    }
                }
                prevInbound = inbound;
                if (skip != null) {
                    throw skip;
                }
            }
        }

        private void advance(long micros) {
            host.runUntil(this::stopped, Math.max(micros, host.nowMicros()));
        }

        /** TCP_INFO of the socket under test (the last one accepted or connected), or of the flow's connection. */
        private Map<String, Long> snapshot() {
            if (flow.testFd >= 0) {
                try {
                    return TcpInfoView.of(host.sockets.tcpInfo(flow.testFd));
                } catch (org.netstack4j.socket.ErrnoException closed) {
                    // closed by the script: fall back to the connection, which may live on (e.g. in TIME-WAIT)
                }
            }
            for (TcpConnection c : host.stack.tcp().connections()) {
                if (c.localPort() == flow.localPort && c.remotePort() == flow.remotePort) {
                    return TcpInfoView.of(c.info());
                }
            }
            return Map.of();
        }

        // ------------------------------------------------------------------ outbound packets

        private long expectOutbound(Event e, Action.Packet p, long earliest, long latest, long lo, long hi) throws ScriptSkip {
            String want = "expected " + p + " at " + window(lo, hi);
            if (!host.runUntil(() -> host.pendingOutbound() > 0 || stopped(), Math.max(latest, host.nowMicros()))) {
                if (!stopped()) {
                    fail("packet", e.line(), want + ", but no packet was sent by t=" + time(host.nowMicros()));
                }
                return host.nowMicros();
            }
            if (stopped()) {
                return host.nowMicros();
            }
            long sentAt = host.peekOutboundMicros();
            List<WirePacket> parts = new ArrayList<>();
            WirePacket first = FrameCodec.decode(host.peekOutbound());
            host.takeOutbound();
            if (first == null) {
                fail("packet", e.line(), want + ", but the stack sent a malformed IP packet");
                return sentAt;
            }
            parts.add(first);
            long lastAt = sentAt;
            if (p.spec() instanceof PacketSpec.Tcp t && first.protocol() == WirePacket.TCP) {
                if (t.has('S')) {
                    seqs.learnIsn(first.sourcePort(), first.destinationPort(), t.seq(), first.seq());
                }
                // Data segments the stack split are merged until they cover the scripted length. A segment without
                // data (a pure ACK) is never merged into a data segment: packetdrill reports it as the packet it is.
                int covered = first.payloadLength();
                while (covered > 0 && covered < t.length()
                        && (first.flags() & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST)) == 0) {
                    if (!host.runUntil(() -> host.pendingOutbound() > 0, Math.max(latest, host.nowMicros()))) {
                        break;
                    }
                    WirePacket next = FrameCodec.decode(host.peekOutbound());
                    WirePacket prev = parts.get(parts.size() - 1);
                    if (next == null || next.protocol() != WirePacket.TCP || next.payloadLength() == 0
                            || next.sourcePort() != first.sourcePort()
                            || next.destinationPort() != first.destinationPort()
                            || next.seq() != ((prev.seq() + prev.payloadLength()) & 0xFFFF_FFFFL)) {
                        break;
                    }
                    lastAt = host.peekOutboundMicros();
                    host.takeOutbound();
                    parts.add(next);
                    covered += next.payloadLength();
                }
            }
            WirePacket actual = parts.size() == 1 ? first : PacketMatcher.merge(parts);
            String diff = matcher.mismatch(p, actual, flow);
            if (diff != null) {
                fail("packet", e.line(), want + ", actual " + matcher.describe(actual)
                        + (parts.size() > 1 ? " (" + parts.size() + " segments merged)" : "")
                        + " at t=" + time(sentAt) + " (" + diff + ")");
            } else if (sentAt < earliest) {
                fail("packet", e.line(), want + ", actual packet sent early at t=" + time(sentAt)
                        + " (tolerance " + (lo - earliest) + " us)");
            }
            if (flow.localPort == 0 && actual.protocol() != WirePacket.ICMP) {
                flow.localPort = actual.sourcePort();
            }
            return lastAt;
        }

        private static String window(long lo, long hi) {
            return lo == hi ? "t=" + time(lo) : "t=" + time(lo) + "~" + time(hi);
        }

        // ------------------------------------------------------------------ system calls

        private void startCall(Event e, Action.Syscall c, long end, long tolerance) throws ScriptSkip {
            SyscallExecutor.Invocation inv = new SyscallExecutor.Invocation(c, e.line(), host.nowMicros());
            SyscallExecutor.Outcome o = calls.attempt(inv);
            Pending p = new Pending(inv, end, tolerance);
            if (o == null) {
                pending.add(p);
            } else {
                complete(p, o);
            }
        }

        /** The hook after each step of time: retries blocked calls; true if one completed. */
        private boolean retryPending() {
            boolean any = false;
            for (Iterator<Pending> it = pending.iterator(); it.hasNext() && skip == null;) {
                Pending p = it.next();
                SyscallExecutor.Outcome o;
                try {
                    o = calls.attempt(p.inv());
                } catch (ScriptSkip s) {
                    skip = s;
                    return true;
                }
                if (o != null) {
                    it.remove();
                    complete(p, o);
                    any = true;
                }
            }
            return any;
        }

        private void finishPending() {
            long last = host.nowMicros();
            for (Pending p : pending) {
                last = Math.max(last, p.endMicros() + p.toleranceMicros());
            }
            if (!pending.isEmpty()) {
                host.runUntil(() -> pending.isEmpty() || stopped(), last);
            }
            for (Pending p : List.copyOf(pending)) {
                fail("syscall", p.inv().line, "expected " + p.inv().call + " to return at t=" + time(p.endMicros())
                        + ", but it was still blocked at t=" + time(host.nowMicros()));
            }
            pending.clear();
        }

        private void complete(Pending p, SyscallExecutor.Outcome o) {
            Action.Syscall c = p.inv().call;
            String problem = resultProblem(c, o);
            if (problem != null) {
                fail("syscall", p.inv().line, "expected " + c + " but " + problem);
                return;
            }
            long now = host.nowMicros();
            if (Math.abs(now - p.endMicros()) > p.toleranceMicros()) {
                fail("syscall", p.inv().line, "expected " + c + " to return at t=" + time(p.endMicros())
                        + " (tolerance " + p.toleranceMicros() + " us), but it returned at t=" + time(now));
            }
        }

        private String resultProblem(Action.Syscall c, SyscallExecutor.Outcome o) {
            String got = o.errno() != null ? "it returned -1 " + o.errno().name() + " (" + o.errno().message() + ")"
                    : "it returned " + o.value();
            if (c.result() instanceof Expr.Ellipsis) {
                return o.mismatch() != null ? "got " + o.mismatch() : null;
            }
            long want;
            try {
                want = SyscallExecutor.value(c.result());
            } catch (ScriptSkip s) {
                skip = s;
                return null;
            }
            if (c.errno() != null) {
                if (o.errno() == null || !o.errno().name().equals(c.errno()) && !(c.errno().equals("EWOULDBLOCK")
                        && o.errno().name().equals("EAGAIN"))) {
                    return got;
                }
                return null;
            }
            if (o.errno() != null) {
                return got;
            }
            boolean newFd = c.name().equals("socket") || c.name().startsWith("accept");
            if (newFd && want >= 0) {
                calls.mapFd(want, (int) o.value());
            } else if (o.value() != want) {
                return got;
            }
            return o.mismatch() != null ? "got " + o.mismatch() : null;
        }

        @Override
        public void close() {
            host.close();
        }
    }
}
