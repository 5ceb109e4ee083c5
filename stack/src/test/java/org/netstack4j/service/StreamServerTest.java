package org.netstack4j.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.netstack4j.adapter.StackServerSocket;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.link.FaultProfile;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.tcp.TcpState;
import org.netstack4j.testing.TwoStacks;

/**
 * Connections served on the stack's own thread ({@link StreamServer}, {@code serveOnStack}): two stacks in
 * virtual time, the client using ordinary blocking sockets, which run the simulation while they wait.
 */
class StreamServerTest {

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    @Test
    void echoOnTheStackThreadReturnsEveryByteUnderLossThenClosesAfterThePeer() throws Exception {
        try (TwoStacks net = TwoStacks.create(1500, FaultProfile.NONE.withLoss(0.02), 7, null)) {
            StreamServer echo = StreamServer.start("echo", net.sim.driver(net.b), 7, () -> new EchoHandler());
            byte[] msg = new byte[2_000_000];
            new SplittableRandom(3).nextBytes(msg);
            try (StackSocket s = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 7))) {
                // Write in pieces and read back as we go: the echo holds nothing back, so the windows never jam.
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[65536];
                for (int off = 0; off < msg.length; off += 50_000) {
                    s.getOutputStream().write(msg, off, Math.min(50_000, msg.length - off));
                    while (got.size() < off + Math.min(50_000, msg.length - off)) {
                        got.write(buf, 0, s.getInputStream().read(buf));
                    }
                }
                s.shutdownOutput();
                got.write(readAll(s.getInputStream()));
                assertArrayEquals(msg, got.toByteArray());
            }
            net.sim.runFor(Duration.ofSeconds(1));
            assertEquals(1, echo.accepted());
            assertEquals(0, echo.openConnections(), "the server let go of the connection after the peer closed");
            assertTrue(net.b.tcp().connections().stream().allMatch(c -> c.state() == TcpState.CLOSED
                    || c.state() == TcpState.TIME_WAIT), net.b.tcp().connections().toString());
            echo.close();
        }
    }

    @Test
    void aHandlerReturningFalseClosesTheConnectionAfterWhatItWrote() throws Exception {
        try (TwoStacks net = TwoStacks.create(null)) {
            byte[] bye = "bye\r\n".getBytes(StandardCharsets.US_ASCII);
            StreamServer server = StreamServer.start("bye", net.sim.driver(net.b), 1234, () -> c -> {
                c.write(bye, 0, bye.length);
                return false;
            });
            try (StackSocket s = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 1234))) {
                assertArrayEquals(bye, readAll(s.getInputStream()));
            }
            assertEquals(0, server.openConnections());
            server.close();
        }
    }

    @Test
    void aResetEndsTheConnectionAndTheHandlerIsNotCalledAfterIt() throws Exception {
        try (TwoStacks net = TwoStacks.create(null)) {
            AtomicInteger callsAfterClose = new AtomicInteger();
            StreamServer server = StreamServer.start("sink", net.sim.driver(net.b), 9, () -> c -> {
                if (c.state() == TcpState.CLOSED) {
                    callsAfterClose.incrementAndGet();
                }
                c.skip(c.readable());
                return true;
            });
            StackSocket s = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 9));
            s.getOutputStream().write(new byte[1000]);
            net.sim.runFor(Duration.ofMillis(100));
            assertEquals(1, server.openConnections());
            net.socketsA.setLinger(s.fd(), true, 0);
            s.close(); // SO_LINGER 0: RST
            net.sim.runFor(Duration.ofMillis(100));
            assertEquals(0, server.openConnections());
            assertEquals(0, callsAfterClose.get());
            assertTrue(net.b.tcp().connections().isEmpty(), net.b.tcp().connections().toString());
            server.close();
        }
    }

    @Test
    void closingTheServerRefusesNewConnectionsAndClosesOpenOnes() throws Exception {
        try (TwoStacks net = TwoStacks.create(null)) {
            StreamServer server = StreamServer.start("discard", net.sim.driver(net.b), 9, DiscardHandler::new);
            try (StackSocket s = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 9))) {
                net.sim.runFor(Duration.ofMillis(10));
                server.close();
                assertEquals(-1, s.getInputStream().read(), "the server's FIN");
            }
            IOException refused = assertThrows(IOException.class,
                    () -> StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 9)));
            assertTrue(refused.getMessage().contains("ECONNREFUSED"), refused.getMessage());
            // The port is free again.
            StreamServer.start("again", net.sim.driver(net.b), 9, DiscardHandler::new).close();
        }
    }

    @Test
    void aBusyPortIsReportedAndAThrowingHandlerOnlyLosesItsOwnConnection() throws Exception {
        try (TwoStacks net = TwoStacks.create(null)) {
            StreamServer server = StreamServer.start("picky", net.sim.driver(net.b), 5000, () -> c -> {
                byte[] one = new byte[1];
                if (c.read(one, 0, 1, false) == 1 && one[0] == 'x') {
                    throw new IllegalStateException("handler bug");
                }
                c.write(one, 0, one[0] == 0 ? 0 : 1);
                return true;
            });
            IllegalStateException busy = assertThrows(IllegalStateException.class,
                    () -> StreamServer.start("other", net.sim.driver(net.b), 5000, DiscardHandler::new));
            assertTrue(busy.getMessage().contains("5000"), busy.getMessage());
            try (StackSocket bad = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 5000));
                 StackSocket good = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 5000))) {
                bad.getOutputStream().write('x');
                net.sim.runFor(Duration.ofMillis(50));
                good.getOutputStream().write('y');
                assertEquals('y', good.getInputStream().read());
            }
            server.close();
        }
    }

    @Test
    void serveOnStackHandsAnAcceptedSocketToTheLoopAndCompletesWhenTheHandlerIsDone() throws Exception {
        try (TwoStacks net = TwoStacks.create(null)) {
            StackServerSocket listener = StackServerSocket.bind(net.socketsB, 6000, 8);
            StackSocket client = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 6000));
            StackSocket accepted = listener.accept();
            long[] counted = {0};
            CompletableFuture<Void> done = accepted.serveOnStack(c -> {
                counted[0] += c.skip(c.readable());
                return !c.peerClosed();
            });
            client.getOutputStream().write(new byte[300_000]);
            client.shutdownOutput();
            net.sim.runUntil(done::isDone, Duration.ofSeconds(5));
            assertTrue(done.isDone());
            assertEquals(300_000, counted[0]);
            accepted.close();
            client.close();

            // Closing the descriptor also ends the serving.
            StackSocket client2 = StackSocket.connect(net.socketsA, new SockAddrIn(TwoStacks.B, 6000));
            StackSocket accepted2 = listener.accept();
            CompletableFuture<Void> served = accepted2.serveOnStack(c -> true);
            assertFalse(served.isDone());
            accepted2.close();
            assertTrue(served.isDone());
            client2.close();
            listener.close();
        }
    }
}
