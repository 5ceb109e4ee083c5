package org.netstack4j.interop.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.interop.Sh;
import org.netstack4j.stats.Counter;

/**
 * busybox ping in a container finds the stack by ARP across the bridge and gets every echo answered (busybox
 * checks the id, sequence and payload of each reply): 56 bytes, 1472 (the largest unfragmented at MTU 1500)
 * and 5000, which reaches the stack in fragments and leaves it in fragments.
 */
@ContainerPeer
class ContainerPingTest {

    @ParameterizedTest(name = "ping -s {0}")
    @ValueSource(ints = {56, 1472, 5000})
    void containerPingsTheStack(int size, BusyboxPeer peer) {
        Sh.Result r = peer.ping(3, size, Duration.ofSeconds(30));
        String context = r.describe() + peer.context();
        assertTrue(r.stdout().contains("3 packets transmitted, 3 packets received, 0% packet loss"), context);
        assertEquals(0, r.exitCode(), context);
        assertEquals(3, peer.counter(Counter.ICMP_OUT_ECHO_REPS), context);
        assertTrue(peer.counter(Counter.ARP_IN_REQUESTS) >= 1, context);
        if (size > 1472) {
            assertEquals(3, peer.counter(Counter.IP_REASM_OKS), "the requests were not reassembled\n" + context);
            assertEquals(3, peer.counter(Counter.IP_FRAG_OKS), "the replies were not fragmented\n" + context);
        } else {
            assertEquals(0, peer.counter(Counter.IP_REASM_REQDS), context);
            assertEquals(0, peer.counter(Counter.IP_FRAG_CREATES), context);
        }
    }
}
