package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A stock {@code iperf3 -c} in the kernel's namespace against the stack's iperf3 service over a TAP, for two
 * seconds each: the client sending, the stack sending ({@code -R}), and two parallel streams ({@code -P 2}).
 * Each run must end cleanly (exit 0, so the whole control protocol went through) and the byte counts the
 * stack reports in its results must agree with what the client measured: the receiver never counts more
 * than the sender sent, and most of it arrived.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class Iperf3InteropTest {
    private static final Duration RUN = Duration.ofSeconds(30);
    private static final long AT_LEAST = 1 << 20;

    @BeforeEach
    void needsRootTunAndIperf3() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("iperf3");
    }

    @Test
    void clientSendsToTheStack(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            String json = iperf3(peer, "-t", "2");
            long sent = sum(json, "sum_sent");
            long received = sum(json, "sum_received"); // counted by the stack's service
            assertTrue(received >= AT_LEAST && received <= sent, "sent " + sent + ", stack received " + received);
        }
    }

    @Test
    void stackSendsToTheClient(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            String json = iperf3(peer, "-t", "2", "-R");
            long sent = sum(json, "sum_sent"); // counted by the stack's service
            long received = sum(json, "sum_received");
            assertTrue(received >= AT_LEAST && received <= sent, "stack sent " + sent + ", received " + received);
        }
    }

    @Test
    void twoParallelStreams(TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            String json = iperf3(peer, "-t", "2", "-P", "2");
            Matcher streams = Pattern.compile("\"sender\":\\s*\\{").matcher(json.substring(json.indexOf("\"end\"")));
            assertEquals(2, streams.results().count(), "two streams in the end report");
            long sent = sum(json, "sum_sent");
            long received = sum(json, "sum_received");
            assertTrue(received >= AT_LEAST && received <= sent, "sent " + sent + ", stack received " + received);
        }
    }

    /** Runs iperf3 -c with -J in the kernel's namespace; it must succeed. Returns its JSON report. */
    private static String iperf3(KernelPeer peer, String... args) {
        String[] argv = new String[args.length + 4];
        argv[0] = "iperf3";
        argv[1] = "-J";
        argv[2] = "-c";
        argv[3] = peer.stackIp().toString();
        System.arraycopy(args, 0, argv, 4, args.length);
        Sh.Result r = peer.exec(RUN, null, argv);
        assertEquals(0, r.exitCode(), r.describe() + "\nstack counters:\n" + peer.countersText());
        return r.stdout();
    }

    /** The bytes of {@code "end": {... "<name>": {... "bytes": N ...}}} in iperf3's JSON report. */
    private static long sum(String json, String name) {
        String end = json.substring(json.indexOf("\"end\""));
        Matcher m = Pattern.compile("\"" + name + "\":\\s*\\{[^}]*?\"bytes\":\\s*(\\d+)").matcher(end);
        assertTrue(m.find(), name + " missing from iperf3's report:\n" + json);
        return Long.parseLong(m.group(1));
    }
}
