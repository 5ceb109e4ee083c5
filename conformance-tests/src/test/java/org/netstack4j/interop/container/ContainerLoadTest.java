package org.netstack4j.interop.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.netstack4j.interop.TcpInterop.SOON;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.netstack4j.interop.Sh;
import org.netstack4j.interop.TcpInterop;
import org.netstack4j.stats.Counter;

/**
 * Many connections at once: 100 busybox nc clients in the container, started together, each send their own
 * line to the stack's echo service and get exactly that line back; every connection is then closed on the
 * stack's side and none was reset.
 */
@ContainerPeer
class ContainerLoadTest {

    private static final int CLIENTS = 100;

    @Test
    void hundredConcurrentEchoClients(BusyboxPeer peer) {
        String script = "for i in $(seq 1 " + CLIENTS + "); do "
                + "(echo \"line $i\" | nc -w 30 " + peer.stackIp() + " 7 >/tmp/out.$i) & done; wait; "
                + "for i in $(seq 1 " + CLIENTS + "); do cat /tmp/out.$i; done";
        Sh.Result r = peer.sh(Duration.ofMinutes(2), script);
        String expected = IntStream.rangeClosed(1, CLIENTS).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
        assertEquals(0, r.exitCode(), r.describe() + peer.context());
        assertEquals(expected, r.stdout(), "some clients got other bytes back" + peer.context());
        TcpInterop.await(peer, "every echo connection closed on the stack", SOON,
                () -> TcpInterop.stackConnectionsOnLocalPort(peer, 7).isEmpty(), peer::context);
        assertEquals(CLIENTS, peer.counter(Counter.TCP_PASSIVE_OPENS), peer.context());
        assertEquals(0, peer.counter(Counter.TCP_OUT_RSTS), peer.context());
        assertEquals(0, peer.counter(Counter.TCP_ESTAB_RESETS), peer.context());
    }
}
