package org.netstack4j.interop.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.interop.TcpInterop.SOON;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.netstack4j.interop.Sh;
import org.netstack4j.interop.TcpInterop;
import org.netstack4j.interop.UdpInterop;
import org.netstack4j.socket.Errno;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stats.Counter;

/**
 * UDP between the stack and a container's kernel, both ways. This busybox's nc has no UDP mode, so busybox's
 * tftp client talks to a small TFTP server on a stack socket ({@link StackTftpServer}): a read request and
 * ACKs go from the container to the stack, DATA blocks back (and the other way round for a write), in
 * lock-step, and the file arrives byte for byte. Port unreachable works both ways: busybox traceroute's UDP
 * probe to the stack is answered with ICMP port unreachable, and the container kernel's answer to a stack
 * datagram makes the stack's connected socket fail with ECONNREFUSED.
 */
@ContainerPeer
class ContainerUdpTest {

    private static final int TFTP_PORT = 6969;
    private static final int SIZE = 5000; // 9 full blocks and one of 392 bytes

    @Test
    void containerReadsAFileFromTheStackOverTftp(BusyboxPeer peer) throws Exception {
        byte[] file = TcpInterop.randomBytes(SIZE, 69);
        try (StackTftpServer server = new StackTftpServer(peer.sockets(), TFTP_PORT)) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> server.serveRead(file, SOON));
            Sh.Result r = peer.sh(SOON, "tftp -g -r data.bin -l /tmp/got.bin " + peer.stackIp() + " " + TFTP_PORT
                    + " && sha256sum /tmp/got.bin");
            assertEquals("data.bin", served.get(), peer.context());
            assertEquals(0, r.exitCode(), r.describe() + peer.context());
            assertEquals(TcpInterop.sha256(file) + "  /tmp/got.bin", r.stdout().trim(), peer.context());
        }
        // The request and one ACK per block came in; one DATA per block went out.
        assertEquals(1 + 10, peer.counter(Counter.UDP_IN_DATAGRAMS), peer.context());
        assertEquals(10, peer.counter(Counter.UDP_OUT_DATAGRAMS), peer.context());
    }

    @Test
    void containerWritesAFileToTheStackOverTftp(BusyboxPeer peer) throws Exception {
        byte[] file = TcpInterop.randomBytes(SIZE, 70);
        peer.copyIn(file, "/tmp/up.bin");
        try (StackTftpServer server = new StackTftpServer(peer.sockets(), TFTP_PORT)) {
            CompletableFuture<byte[]> taken = CompletableFuture.supplyAsync(() -> server.takeWrite(SOON));
            Sh.Result r = peer.sh(SOON, "tftp -p -l /tmp/up.bin -r up.bin " + peer.stackIp() + " " + TFTP_PORT);
            assertEquals(0, r.exitCode(), r.describe() + peer.context());
            byte[] got = taken.get();
            assertEquals("", TcpInterop.difference(file, got), peer.context());
        }
        assertEquals(1 + 10, peer.counter(Counter.UDP_IN_DATAGRAMS), peer.context());
        assertEquals(1 + 10, peer.counter(Counter.UDP_OUT_DATAGRAMS), peer.context());
    }

    @Test
    void containerProbeToAClosedStackPortGetsPortUnreachable(BusyboxPeer peer) {
        // One probe, TTL 1 is enough on one Ethernet: the stack itself answers.
        Sh.Result r = peer.exec(SOON, null, "traceroute", "-n", "-q", "1", "-w", "5", "-m", "3",
                peer.stackIp().toString());
        assertEquals(0, r.exitCode(), r.describe() + peer.context());
        // After the "traceroute to ..." line, one line per hop: the stack is the first and the last.
        List<String> hops = r.stdout().lines().filter(l -> l.matches("\\s*\\d+\\s.*")).toList();
        assertEquals(1, hops.size(), "the stack should be the first and last hop\n" + r.describe());
        assertTrue(hops.get(0).matches("\\s*1\\s+" + peer.stackIp().toString().replace(".", "\\.") + "\\s+[0-9.]+ ms\\s*"),
                r.describe());
        assertEquals(1, peer.counter(Counter.UDP_NO_PORTS), peer.context());
        assertEquals(1, peer.counter(Counter.ICMP_OUT_DEST_UNREACHS), peer.context());
    }

    @Test
    void containerRefusalReachesTheStacksConnectedSocket(BusyboxPeer peer) {
        // Nothing listens on that port in the container.
        ErrnoException e = UdpInterop.errorOfConnectedSocket(peer, new SockAddrIn(peer.containerIp(), 5556),
                Duration.ofSeconds(15));
        assertEquals(Errno.ECONNREFUSED, e.errno(), peer.context());
        assertEquals(1, peer.counter(Counter.ICMP_IN_DEST_UNREACHS), peer.context());
    }
}
