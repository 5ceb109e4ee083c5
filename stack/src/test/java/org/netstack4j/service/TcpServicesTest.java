package org.netstack4j.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.link.DirectLink;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.testing.TwoStacks;

/** The TCP services between two stacks on event-loop threads, used through the Java stream adapters. */
@Timeout(60)
class TcpServicesTest {

    private interface Body {
        void run(BsdSockets client) throws Exception;
    }

    private static void withServices(Body body) throws Exception {
        DirectLink link = new DirectLink(1500);
        try (EventLoop server = EventLoop.start(StackConfig.builder(TwoStacks.MAC_B, TwoStacks.B, 24).build(), link.b());
             EventLoop client = EventLoop.start(StackConfig.builder(TwoStacks.MAC_A, TwoStacks.A, 24).build(), link.a());
             StandardServices services = StandardServices.start(new BsdSockets(server), StandardServices.NAMES)) {
            body.run(new BsdSockets(client));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    @Test
    void echoReturnsWhatWasSentAndClosesAfterUs() throws Exception {
        withServices(api -> {
            try (StackSocket s = StackSocket.connect(api, new SockAddrIn(TwoStacks.B, 7))) {
                byte[] msg = "the quick brown fox\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        s.getOutputStream().write(msg);
                        s.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertArrayEquals(msg, readAll(s.getInputStream()));
                writer.join();
            }
        });
    }

    @Test
    void httpServesBytesWithKeepAliveAnd404() throws Exception {
        withServices(api -> {
            try (StackSocket s = StackSocket.connect(api, new SockAddrIn(TwoStacks.B, 80))) {
                String req = "GET /bytes/1000000 HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n";
                s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
                byte[] all = readAll(s.getInputStream());
                String text = new String(all, StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text.substring(0, Math.min(40, text.length())));
                assertTrue(text.contains("Content-Length: 1000000\r\n"));
                int bodyStart = text.indexOf("\r\n\r\n") + 4;
                byte[] expected = new byte[1_000_000];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (byte) (i % 251);
                }
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(all, bodyStart, 1_000_000);
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(expected), sha.digest());
                String second = text.substring(bodyStart + 1_000_000);
                assertTrue(second.startsWith("HTTP/1.1 404 Not Found\r\n"), second);
            }
        });
    }

    @Test
    void daytimeAndChargen() throws Exception {
        withServices(api -> {
            try (StackSocket s = StackSocket.connect(api, new SockAddrIn(TwoStacks.B, 13))) {
                String day = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
                assertTrue(day.endsWith("-UTC\r\n"), day);
            }
            try (StackSocket s = StackSocket.connect(api, new SockAddrIn(TwoStacks.B, 19))) {
                byte[] line = s.getInputStream().readNBytes(74 * 2);
                assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n",
                        new String(line, 0, 74, StandardCharsets.US_ASCII));
                assertEquals('!', line[74]);
            }
        });
    }
}
