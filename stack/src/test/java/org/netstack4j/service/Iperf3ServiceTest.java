package org.netstack4j.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.service.Iperf3Protocol.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.link.DirectLink;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.testing.TwoStacks;

/**
 * The iperf3 service between two stacks, with the test playing a scripted iperf3 client byte by byte:
 * the state sequence, the stream ids (1, 3, ...), the byte counts in the results, busy and refused tests.
 */
@Timeout(60)
class Iperf3ServiceTest {
    private static final byte[] COOKIE = "abcdefghijklmnopqrstuvwxyz0123456789\0".getBytes(StandardCharsets.US_ASCII);

    private interface Body {
        void run(BsdSockets client) throws Exception;
    }

    private static void withService(Body body) throws Exception {
        DirectLink link = new DirectLink(1500);
        try (EventLoop server = EventLoop.start(StackConfig.builder(TwoStacks.MAC_B, TwoStacks.B, 24).build(), link.b());
             EventLoop client = EventLoop.start(StackConfig.builder(TwoStacks.MAC_A, TwoStacks.A, 24).build(), link.a());
             StandardServices services = StandardServices.start(new BsdSockets(server), List.of("iperf3"))) {
            body.run(new BsdSockets(client));
        }
    }

    private static StackSocket open(BsdSockets api, byte[] cookie) throws IOException {
        StackSocket s = StackSocket.connect(api, new SockAddrIn(TwoStacks.B, Iperf3Service.PORT));
        s.getOutputStream().write(cookie);
        return s;
    }

    private static void expectState(InputStream in, int state) throws IOException {
        assertEquals(state, readState(in));
    }

    /** Runs a test up to TEST_RUNNING with {@code params}; returns the control socket and the data sockets. */
    private static List<StackSocket> startTest(BsdSockets api, String params, int streams) throws IOException {
        List<StackSocket> sockets = new ArrayList<>();
        StackSocket control = open(api, COOKIE);
        sockets.add(control);
        expectState(control.getInputStream(), PARAM_EXCHANGE);
        writeJson(control.getOutputStream(), params);
        expectState(control.getInputStream(), CREATE_STREAMS);
        for (int i = 0; i < streams; i++) {
            sockets.add(open(api, COOKIE));
        }
        expectState(control.getInputStream(), TEST_START);
        expectState(control.getInputStream(), TEST_RUNNING);
        return sockets;
    }

    /** TEST_END, results both ways, DISPLAY_RESULTS, IPERF_DONE; returns the server's results. */
    private static String finish(StackSocket control) throws IOException {
        InputStream in = control.getInputStream();
        OutputStream out = control.getOutputStream();
        writeState(out, TEST_END);
        expectState(in, EXCHANGE_RESULTS);
        writeJson(out, "{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":0,"
                + "\"sender_has_retransmits\":0,\"streams\":[]}");
        String results = readJson(in);
        expectState(in, DISPLAY_RESULTS);
        writeState(out, IPERF_DONE);
        assertEquals(-1, in.read(), "the server closes the control connection at the end");
        return results;
    }

    private static List<long[]> streams(String results) {
        List<long[]> idAndBytes = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"id\":(\\d+),\"bytes\":(\\d+)").matcher(results);
        while (m.find()) {
            idAndBytes.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return idAndBytes;
    }

    @Test
    void twoStreamsFromTheClientAreCountedUnderIdsOneAndThree() throws Exception {
        withService(api -> {
            List<StackSocket> s = startTest(api, "{\"tcp\":true,\"time\":1,\"parallel\":2,\"len\":1000}", 2);
            byte[] block = new byte[100_000];
            s.get(1).getOutputStream().write(block);
            s.get(2).getOutputStream().write(block);
            s.get(2).getOutputStream().write(block);
            String results = finish(s.get(0));
            List<long[]> streams = streams(results);
            assertEquals(2, streams.size(), results);
            assertEquals(1, streams.get(0)[0]);
            assertEquals(3, streams.get(1)[0]);
            assertTrue(streams.get(0)[1] <= 100_000 && streams.get(1)[1] <= 200_000, results);
            assertTrue(results.contains("\"sender_has_retransmits\":0"), results);
            s.forEach(StackSocket::close);
        });
    }

    @Test
    void reverseModeSendsBlocksUntilTestEnd() throws Exception {
        withService(api -> {
            List<StackSocket> s = startTest(api, "{\"tcp\":true,\"reverse\":true,\"parallel\":1,\"len\":4096}", 1);
            InputStream data = s.get(1).getInputStream();
            byte[] got = readFully(data, 300_000);
            long received = got.length;
            for (int k = 0; k < got.length; k++) {
                // The stream is the 4096-byte block pattern repeated, whatever the write sizes were.
                assertEquals((byte) ((k % 4096) * 31 + 7), got[k], "byte " + k);
            }
            String results = finish(s.get(0));
            List<long[]> streams = streams(results);
            assertEquals(1, streams.size(), results);
            assertEquals(1, streams.get(0)[0]);
            long sent = streams.get(0)[1];
            // The pattern goes out as the send queue has room, not in whole blocks (a non-blocking iperf3 writes
            // partial blocks too), so only the count is checked: at least what the client read.
            assertTrue(sent >= received, "sent " + sent + ", read " + received);
            byte[] rest = new byte[65536];
            long more = 0;
            int n;
            while ((n = data.read(rest)) > 0) {
                more += n;
            }
            assertTrue(received + more <= sent, "the stream ends after what the results claim was sent");
            s.forEach(StackSocket::close);
        });
    }

    @Test
    void aSecondClientIsToldTheServerIsBusy() throws Exception {
        withService(api -> {
            List<StackSocket> s = startTest(api, "{\"tcp\":true,\"parallel\":1}", 1);
            byte[] other = COOKIE.clone();
            other[0] = 'z';
            try (StackSocket second = open(api, other)) {
                expectState(second.getInputStream(), ACCESS_DENIED);
            }
            finish(s.get(0));
            s.forEach(StackSocket::close);
        });
    }

    @Test
    void udpAndBadStreamCountsAreRefusedWithAServerError() throws Exception {
        withService(api -> {
            for (String params : new String[] {"{\"udp\":true}", "{\"tcp\":true,\"parallel\":0}", "{\"tcp\":tru"}) {
                try (StackSocket control = open(api, COOKIE)) {
                    expectState(control.getInputStream(), PARAM_EXCHANGE);
                    writeJson(control.getOutputStream(), params);
                    expectState(control.getInputStream(), SERVER_ERROR);
                }
            }
            // The refused tests left nothing behind: a normal test still runs.
            List<StackSocket> s = startTest(api, "{\"tcp\":true}", 1);
            finish(s.get(0));
            s.forEach(StackSocket::close);
        });
    }
}
