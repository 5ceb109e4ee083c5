package org.netstack4j.service;

import static org.netstack4j.service.Iperf3Protocol.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.netstack4j.adapter.StackSocket;

/**
 * One iperf3 test as the server runs it on the client's control connection: parameter exchange, stream
 * creation, start, the wait for TEST_END (or the client's termination), the results exchange, and the end.
 * The data streams register themselves through {@link #addStream} from their own connection threads.
 */
final class Iperf3Test {
    /** How long the server waits for the client's data connections after CREATE_STREAMS. */
    private static final long STREAM_WAIT_SECONDS = 10;
    /** Most parallel streams accepted ({@code -P}); iperf3's own limit is 128. */
    static final int MAX_STREAMS = 128;
    /** Block lengths accepted ({@code -l}) for TCP. */
    private static final int MAX_BLOCK = 1 << 20;
    private static final int DEFAULT_BLOCK = 128 * 1024;

    // iperf3's error numbers (iperf_api.h) the client turns into a message.
    private static final int IE_NUM_STREAMS = 6;
    private static final int IE_RECV_PARAMS = 110;
    private static final int IE_UNIMPLEMENTED = 13;

    private final byte[] cookie;
    private final StackSocket control;
    private final List<Iperf3Stream> streams = new CopyOnWriteArrayList<>();
    private final CountDownLatch running = new CountDownLatch(1);
    private volatile boolean accepting;
    private volatile boolean stopped;
    private volatile boolean reverse;
    private volatile int blockLength = DEFAULT_BLOCK;
    private int expectedStreams;
    private CountDownLatch allStreams;
    private long startNanos;
    private long endNanos;

    Iperf3Test(byte[] cookie, StackSocket control) {
        this.cookie = cookie.clone();
        this.control = control;
    }

    /** True if {@code c} is this test's cookie and the test is waiting for data connections. */
    boolean ownsStream(byte[] c) {
        return accepting && Arrays.equals(cookie, c);
    }

    /**
     * Registers a data connection with the next stream id. iperf3 numbers its streams 1, 3, 4, 5, ... (the
     * client's list numbering skips 2), and matches results by these ids. Null if all streams are there.
     */
    synchronized Iperf3Stream addStream(StackSocket socket) {
        if (!accepting || streams.size() >= expectedStreams) {
            return null;
        }
        int id = streams.isEmpty() ? 1 : streams.size() + 2;
        Iperf3Stream s = new Iperf3Stream(id, socket);
        streams.add(s);
        allStreams.countDown();
        return s;
    }

    boolean reverse() {
        return reverse;
    }

    int blockLength() {
        return blockLength;
    }

    /** Waits until the test runs; false if it ended before starting. */
    boolean awaitRunning() throws InterruptedException {
        running.await();
        return !stopped;
    }

    boolean stopped() {
        return stopped;
    }

    /** Runs the test on the control connection until it ends, then closes the data streams. */
    void run() throws IOException {
        InputStream in = control.getInputStream();
        OutputStream out = control.getOutputStream();
        try {
            writeState(out, PARAM_EXCHANGE);
            Map<String, Object> params;
            try {
                params = FlatJson.parse(readJson(in));
            } catch (IllegalArgumentException e) {
                writeServerError(out, IE_RECV_PARAMS);
                return;
            }
            if (!configure(params)) {
                writeServerError(out, IE_UNIMPLEMENTED);
                return;
            }
            if (expectedStreams < 1 || expectedStreams > MAX_STREAMS) {
                writeServerError(out, IE_NUM_STREAMS);
                return;
            }
            synchronized (this) {
                allStreams = new CountDownLatch(expectedStreams);
                accepting = true;
            }
            writeState(out, CREATE_STREAMS);
            boolean all;
            try {
                all = allStreams.await(STREAM_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            accepting = false;
            if (!all) {
                writeState(out, SERVER_TERMINATE);
                return;
            }
            long cpuStart = processCpuNanos();
            startNanos = System.nanoTime();
            writeState(out, TEST_START);
            writeState(out, TEST_RUNNING);
            running.countDown();
            while (true) {
                Integer state = readState(in);
                if (state == null || state == CLIENT_TERMINATE) {
                    return;
                }
                if (state == TEST_END) {
                    break;
                }
            }
            stopped = true;
            endNanos = System.nanoTime();
            long cpu = processCpuNanos() - cpuStart;
            writeState(out, EXCHANGE_RESULTS);
            readJson(in); // the client's results: it prints them itself, we have no use for them
            writeJson(out, results(cpu));
            writeState(out, DISPLAY_RESULTS);
            Integer last = readState(in); // IPERF_DONE, or the client just closes
            if (last != null && last != IPERF_DONE && last != CLIENT_TERMINATE) {
                throw new IOException("iperf3 client sent state " + last + " after DISPLAY_RESULTS");
            }
        } finally {
            stopped = true;
            accepting = false;
            running.countDown();
            for (Iperf3Stream s : streams) {
                s.close();
            }
        }
    }

    /** Takes the parameters of a TCP test; false for what this server does not do (UDP, SCTP, bidirectional). */
    private boolean configure(Map<String, Object> params) {
        if (isTrue(params.get("udp")) || isTrue(params.get("sctp")) || isTrue(params.get("bidirectional"))) {
            return false;
        }
        reverse = isTrue(params.get("reverse"));
        expectedStreams = params.get("parallel") instanceof Double d ? d.intValue() : 1;
        if (params.get("len") instanceof Double d && d >= 1 && d <= MAX_BLOCK) {
            blockLength = d.intValue();
        }
        return true;
    }

    /** iperf3 sends booleans as true or as 1. */
    private static boolean isTrue(Object v) {
        return Boolean.TRUE.equals(v) || (v instanceof Double d && d != 0);
    }

    /**
     * The server's results object: CPU use of the whole process during the test (not split into user and
     * system time: the JVM does not tell them apart cheaply, so all of it is reported as user time) and per
     * stream the bytes received or sent. Retransmissions are not reported (-1).
     */
    private String results(long cpuNanos) {
        double seconds = Math.max(1e-9, (endNanos - startNanos) / 1e9);
        double cpu = cpuNanos < 0 ? 0 : 100.0 * cpuNanos / 1e9 / seconds;
        StringBuilder b = new StringBuilder(256);
        b.append("{\"cpu_util_total\":").append(num(cpu))
                .append(",\"cpu_util_user\":").append(num(cpu))
                .append(",\"cpu_util_system\":0")
                .append(",\"sender_has_retransmits\":0")
                .append(",\"congestion_used\":").append(FlatJson.quote("netstack4j"))
                .append(",\"streams\":[");
        for (int i = 0; i < streams.size(); i++) {
            Iperf3Stream s = streams.get(i);
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(s.id())
                    .append(",\"bytes\":").append(s.bytes())
                    .append(",\"retransmits\":-1,\"jitter\":0,\"errors\":0,\"omitted_errors\":0,\"packets\":0")
                    .append(",\"omitted_packets\":0,\"start_time\":0,\"end_time\":").append(num(seconds)).append('}');
        }
        return b.append("]}").toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /** CPU time of this process in nanoseconds, or -1 where the JVM does not offer it. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
