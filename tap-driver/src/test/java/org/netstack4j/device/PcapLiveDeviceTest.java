package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PcapLiveDevice on the host end of a veth pair whose other end lives, with an address, in a namespace made
 * for the test: the kernel stack there is the only peer.
 */
class PcapLiveDeviceTest {

    private static final byte[] OUR_MAC = {2, 0, 0, 0, 0, 2};
    private static final byte[] OUR_IP = {10, 98, 0, 2};
    private static final byte[] KERNEL_IP = {10, 98, 0, 1};

    @BeforeEach
    void needsRoot() {
        KernelAssumptions.assumeRoot();
    }

    @Test
    @SuppressWarnings("try") // the veth is held only so that it is deleted afterwards
    void kernelAnswersAnArpRequestSentThroughPcap() throws Exception {
        String suffix = NetNs.randomSuffix();
        String hostEnd = "n4h" + suffix;
        String peerEnd = "n4p" + suffix;
        FrameQueue frames = new FrameQueue();
        try (NetNs ns = NetNs.create(); Veth veth = Veth.create(hostEnd, peerEnd)) {
            Cmd.run("ip", "link", "set", peerEnd, "netns", ns.name());
            ns.ip("addr", "add", "10.98.0.1/24", "dev", peerEnd);
            ns.ip("link", "set", peerEnd, "up");
            byte[] kernelMac = ns.macOf(peerEnd);
            silenceIpv6(hostEnd);
            Cmd.run("ip", "link", "set", hostEnd, "up");

            try (PcapLiveDevice device = PcapLiveDevice.open(hostEnd, 1500, "arp", OUR_MAC)) {
                device.start(frames);
                device.transmit(ArpFrames.request(OUR_MAC, OUR_IP, KERNEL_IP));

                byte[] reply = frames.awaitMatching(ArpFrames::isReply, Duration.ofSeconds(5));
                assertNotNull(reply, "no ARP reply from the kernel; frames seen:" + frames.summary());
                ArpFrames.assertReplyTo(reply, OUR_MAC, OUR_IP, KERNEL_IP, kernelMac);
                assertEquals(1, device.counters().framesSent());
                assertEquals(0, device.counters().readErrors());
            }
            assertNull(frames.contractViolation());
            assertTrue(frames.seen().stream().allMatch(ArpFrames::isArp), "the BPF filter let non-ARP through");
            assertTrue(frames.seen().stream().noneMatch(f -> ArpFrames.isFrom(f, OUR_MAC)),
                    "our own request was captured back:" + frames.summary());
        }
    }

    @Test
    void closeStopsTheReaderPromptly() throws Exception {
        String suffix = NetNs.randomSuffix();
        try (Veth veth = Veth.create("n4h" + suffix, "n4p" + suffix)) {
            silenceIpv6(veth.hostEnd());
            Cmd.run("ip", "link", "set", veth.hostEnd(), "up");
            PcapLiveDevice device = PcapLiveDevice.open(veth.hostEnd(), 1500);
            device.start(new FrameQueue());
            device.close();
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("pcap-rx-" + veth.hostEnd())), "reader thread still alive");
            device.close(); // idempotent
        }
    }

    @Test
    void missingInterfaceGivesOneLineError() {
        String name = "n4x" + NetNs.randomSuffix();
        DeviceException e = assertThrows(DeviceException.class, () -> PcapLiveDevice.open(name, 1500));
        assertTrue(e.getMessage().startsWith("cannot open pcap on " + name + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    /** The host end carries no address; without this the host kernel would chatter IPv6 into the test link. */
    private static void silenceIpv6(String device) throws IOException {
        Path knob = Path.of("/proc/sys/net/ipv6/conf", device, "disable_ipv6");
        if (Files.exists(knob)) {
            Files.writeString(knob, "1");
        }
    }
}
