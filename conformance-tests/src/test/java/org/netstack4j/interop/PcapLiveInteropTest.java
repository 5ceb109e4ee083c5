package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.device.PcapLiveDevice;
import org.netstack4j.stats.Counter;

/**
 * The stack driven through pcap4j ({@link PcapLiveDevice}) on the host end of a veth pair, with the kernel on
 * the other end in a namespace of its own: proves that libpcap capture (inbound only) plus pcap_sendpacket
 * are a working link for the stack — the kernel resolves it by ARP, pings it (also with 8000-byte echoes
 * fragmented both ways) and gets its bytes back from the UDP echo service.
 *
 * <p>Note: a veth offloads transmit checksums, so a kernel UDP datagram crosses it with only the pseudo-header
 * sum in its checksum field (CHECKSUM_PARTIAL); libpcap hands it over like that and the stack rightly drops
 * it as InCsumErrors. The kernel's socket therefore sets SO_NO_CHECK (level SOL_SOCKET=1, option 11):
 * checksum 0, "none computed", which RFC 768 allows over IPv4 and which the stack must accept.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang fails the test; cleanup still runs
class PcapLiveInteropTest {

    @BeforeEach
    void needsRootAndLibpcap() {
        KernelPeer.assumePcapPossible();
        KernelPeer.assumeTool("ping");
        KernelPeer.assumeTool("socat");
    }

    @Test
    void kernelPingsAndEchoesThroughAVethDrivenByPcap(TestInfo info) {
        try (KernelPeer peer = KernelPeer.start(KernelPeer.Link.VETH_PCAP, KernelPeer.captureName(info), 1500, null)) {
            for (int size : new int[] {56, 8000}) {
                Sh.Result ping = peer.exec(Duration.ofSeconds(30), null,
                        "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-s", String.valueOf(size),
                        peer.stackIp().toString());
                String context = ping.describe() + "\n--- stack counters:\n" + peer.countersText() + "\n" + peer;
                assertTrue(ping.stdout().contains("3 packets transmitted, 3 received"), context);
                assertEquals(0, ping.exitCode(), context);
            }
            assertTrue(peer.counter(Counter.IP_REASM_OKS) >= 3, peer.countersText());
            assertTrue(peer.counter(Counter.IP_FRAG_CREATES) > 0, peer.countersText());

            String neigh = peer.ip("neigh", "show", peer.stackIp().toString(), "dev", peer.kernelInterface());
            assertTrue(neigh.contains("lladdr " + peer.stackMac()), neigh);

            byte[] payload = "over pcap4j and a veth".getBytes(StandardCharsets.US_ASCII);
            try (Sh.Background socat = peer.background("socat", "-",
                    "UDP:" + peer.stackIp() + ":7,setsockopt-int=1:11:1")) {
                socat.write(payload);
                byte[] echoed = socat.readStdout(payload.length, Duration.ofSeconds(15), peer::countersText);
                assertArrayEquals(payload, echoed, "\n" + peer.countersText() + "\n" + peer);
            }
            assertEquals(1, peer.counter(Counter.UDP_IN_DATAGRAMS), peer.countersText());
            assertEquals(1, peer.counter(Counter.UDP_OUT_DATAGRAMS), peer.countersText());
        }
    }
}
