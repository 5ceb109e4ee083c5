package org.netstack4j.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.testing.TwoStacks;

/** The ss-like socket table shows listeners, connections with their queues and timers, and UDP sockets. */
class SocketTableTest {
    @Test
    void showsStatesQueuesAndTimers() {
        try (TwoStacks net = TwoStacks.create(null)) {
            int l = net.socketsB.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsB.bind(l, SockAddrIn.of("0.0.0.0", 80));
            net.socketsB.listen(l, 5);
            int u = net.socketsB.socket(AF_INET, SOCK_DGRAM, 0);
            net.socketsB.bind(u, SockAddrIn.of("10.0.0.2", 53));
            int c = net.socketsA.socket(AF_INET, SOCK_STREAM, 0);
            net.socketsA.connect(c, new SockAddrIn(TwoStacks.B, 80));
            net.socketsA.write(c, new byte[100], 0, 100);
            net.sim.runFor(Duration.ofMillis(50));
            List<SocketTable.Row> rows = SocketTable.of(net.b).rows();
            assertTrue(rows.contains(new SocketTable.Row("tcp", "LISTEN", 1, 5, "*:80", "*:*", "")), rows.toString());
            assertTrue(rows.stream().anyMatch(r -> r.netid().equals("tcp") && r.state().equals("ESTAB")
                    && r.recvQ() == 100 && r.local().equals("10.0.0.2:80")), rows.toString());
            assertTrue(rows.contains(new SocketTable.Row("udp", "UNCONN", 0, 0, "10.0.0.2:53", "*:*", "")));
            net.socketsA.close(c);
            net.sim.runFor(Duration.ofMillis(50));
            SocketTable a = SocketTable.of(net.a);
            assertEquals(1, a.rows().size(), a.format());
            SocketTable.Row tw = a.rows().getFirst();
            assertEquals("FIN-WAIT-2", tw.state(), a.format());
            assertTrue(a.format().startsWith("Netid  State"));
        }
    }
}
