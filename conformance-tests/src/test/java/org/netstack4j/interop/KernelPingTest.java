package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.stats.Counter;

/**
 * The Linux kernel, in a namespace of its own on the far side of a TAP, finds the stack by ARP and pings it.
 *
 * <p>Proves, per payload size (0, 56, 1472 = the largest unfragmented at MTU 1500, and 8000): the stack
 * answers the kernel's ARP request so that the kernel's neighbour table holds the stack's MAC, and every one
 * of three echo requests gets an echo reply the kernel accepts (iputils ping verifies the id, sequence and
 * payload). At 8000 bytes the request reaches the stack in fragments that it must reassemble, and the reply
 * leaves the stack in fragments that the kernel must reassemble: the stack's ReasmOKs and FragCreates count it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang fails the test; cleanup still runs
class KernelPingTest {

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    @BeforeEach
    void needsRootAndTun() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("ping");
    }

    @ParameterizedTest(name = "ping -s {0}")
    @ValueSource(ints = {0, 56, 1472, 8000})
    void kernelResolvesAndPingsTheStack(int size, TestInfo info) {
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            Sh.Result ping = peer.exec(Duration.ofSeconds(30), null,
                    "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-s", String.valueOf(size),
                    peer.stackIp().toString());
            String context = ping.describe() + "\n--- stack counters:\n" + peer.countersText() + "\n" + peer;

            Matcher m = SUMMARY.matcher(ping.stdout());
            assertTrue(m.find(), "no ping summary\n" + context);
            assertEquals("3", m.group(1), context);
            assertEquals("3", m.group(2), "not every echo request was answered\n" + context);
            assertTrue(ping.stdout().contains(" 0% packet loss"), context);
            assertEquals(0, ping.exitCode(), context);

            String neigh = peer.ip("neigh", "show", peer.stackIp().toString(), "dev", peer.kernelInterface());
            assertTrue(neigh.contains("lladdr " + peer.stackMac()),
                    "the kernel's neighbour entry for the stack lacks its MAC " + peer.stackMac() + ": " + neigh);

            assertEquals(3, peer.counter(Counter.ICMP_OUT_ECHO_REPS), context);
            if (size == 8000) {
                assertTrue(peer.counter(Counter.IP_REASM_OKS) >= 3,
                        "the stack did not reassemble the fragmented requests\n" + context);
                assertTrue(peer.counter(Counter.IP_FRAG_CREATES) > 0,
                        "the stack did not fragment its replies\n" + context);
                assertEquals(3, peer.counter(Counter.IP_FRAG_OKS), context);
            } else {
                assertEquals(0, peer.counter(Counter.IP_REASM_REQDS), context);
                assertEquals(0, peer.counter(Counter.IP_FRAG_CREATES), context);
            }
        }
    }
}
