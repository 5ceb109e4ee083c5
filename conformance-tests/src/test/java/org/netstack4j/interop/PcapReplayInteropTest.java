package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.device.PcapFileDevice;
import org.netstack4j.link.PcapRecordingDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.service.StandardServices;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.stats.Counter;

/**
 * Replay of real kernel traffic: proves that what the stack does with its input depends on the input alone.
 *
 * <p>A live session against the kernel over a TAP (ARP, pings of 56 and 8000 bytes — the latter fragmented —,
 * a datagram to echo, one to a closed port) records the frames the stack received, and only those. A fresh
 * stack with the same MAC, address and services then reads that capture through {@link PcapFileDevice}; its
 * own transmissions go nowhere, so only receive-side counters are compared, and they must be equal — every
 * {@code In*} counter, reassembly, and UDP NoPorts.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang fails the test; cleanup still runs
class PcapReplayInteropTest {

    @BeforeEach
    void needsRootTunAndLibpcap() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumePcapPossible();
        KernelPeer.assumeTool("ping");
        KernelPeer.assumeTool("socat");
    }

    @Test
    @SuppressWarnings("try") // the services only need to run while the capture is replayed
    void replayedKernelTrafficGivesTheSameReceiveCounters(TestInfo info) throws Exception {
        String name = KernelPeer.captureName(info);
        Path received = KernelPeer.PCAP_DIR.resolve(name.replace(".pcap", ".received.pcap"));
        Map<Counter, Long> live;
        StackConfig config;
        try (KernelPeer peer = KernelPeer.start(KernelPeer.Link.TAP, name, 1500, received)) {
            for (int size : new int[] {56, 8000}) {
                Sh.Result ping = peer.exec(Duration.ofSeconds(30), null, "ping", "-n", "-c", "3", "-i", "0.2",
                        "-W", "2", "-s", String.valueOf(size), peer.stackIp().toString());
                assertTrue(ping.stdout().contains("3 packets transmitted, 3 received"), ping.describe());
            }
            byte[] payload = "replay me".getBytes(StandardCharsets.US_ASCII);
            try (Sh.Background socat = peer.background("socat", "-", "UDP:" + peer.stackIp() + ":7")) {
                socat.write(payload);
                socat.readStdout(payload.length, Duration.ofSeconds(15), peer::countersText);
            }
            try (Sh.Background socat = peer.background("socat", "-", "UDP-CONNECT:" + peer.stackIp() + ":9999")) {
                socat.write(payload);
                assertTrue(socat.awaitExit(Duration.ofSeconds(15)) > 0, "no refusal: " + socat.stderrIfExited());
            }
            peer.freezeInput();
            live = receiveSide(peer.counters().snapshot());
            config = StackConfig.builder(peer.stackMac(), peer.stackIp(), 24).build();
        }
        assertTrue(live.get(Counter.ICMP_IN_ECHOS) == 6 && live.get(Counter.IP_REASM_OKS) == 3
                && live.get(Counter.UDP_IN_DATAGRAMS) == 1 && live.get(Counter.UDP_NO_PORTS) == 1
                && live.get(Counter.ARP_IN_REQUESTS) >= 1, "the live session did not produce the expected input: " + live);

        Map<Counter, Long> replayed;
        long frames;
        try (PcapWriter all = new PcapWriter(KernelPeer.PCAP_DIR.resolve(name.replace(".pcap", ".replay.pcap")))) {
            PcapFileDevice file = PcapFileDevice.open(received, 1500);
            StartGate gate = new StartGate(file);
            EventLoop loop = EventLoop.start(config, new PcapRecordingDevice(gate, all, ReceiveRecorder::wallNanos));
            try (StandardServices services = StandardServices.start(new BsdSockets(loop), StandardServices.NAMES)) {
                gate.open(); // the services are bound, as they were before the live traffic began
                frames = file.awaitReplayed(Duration.ofSeconds(30));
                loop.call(() -> null); // FIFO: every replayed frame has now been processed
                replayed = receiveSide(loop.stack().counters().snapshot());
            } finally {
                loop.close();
            }
        }
        assertEquals(live.get(Counter.LINK_IN_FRAMES), frames, "replayed frames vs frames the live stack received");
        assertEquals(live, replayed, "receive-side counters differ between the live run and its replay");
    }

    /** The counters that depend only on what the stack received. */
    private static Map<Counter, Long> receiveSide(Map<Counter, Long> all) {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            if (c.label().startsWith("In") || c.name().startsWith("IP_REASM_") || c == Counter.UDP_NO_PORTS) {
                m.put(c, all.get(c));
            }
        }
        return m;
    }
}
