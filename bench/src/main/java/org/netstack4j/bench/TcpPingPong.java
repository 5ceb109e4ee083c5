package org.netstack4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Kernel-side client of the TCP request/response benchmark (plain java.net, run inside a network namespace):
 * on one connection to an echo server (Nagle off), writes one byte and waits for it to come back, as many times
 * as it can in {@code seconds}, then prints {@code round_trips_per_second=N p50_us=X p99_us=Y} (the median and
 * 99th percentile of the round-trip times). Any failure ends the run with an error and no figure.
 */
public final class TcpPingPong {
    private TcpPingPong() {
    }

    /** Arguments: host port seconds. */
    public static void main(String[] args) throws IOException {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long seconds = Long.parseLong(args[2]);
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(to, 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 1000; i++) { // warm-up
                pingPong(out, in);
            }
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            int trips = 0;
            long now = start;
            long[] rtt = new long[1 << 16];
            while (now < end) {
                pingPong(out, in);
                long t = System.nanoTime();
                if (trips == rtt.length) {
                    rtt = java.util.Arrays.copyOf(rtt, rtt.length * 2);
                }
                rtt[trips++] = t - now;
                now = t;
            }
            long[] sorted = java.util.Arrays.copyOf(rtt, trips);
            java.util.Arrays.sort(sorted);
            System.out.printf(java.util.Locale.ROOT, "round_trips_per_second=%.0f p50_us=%.1f p99_us=%.1f%n",
                    trips / ((now - start) / 1e9), sorted[trips / 2] / 1e3,
                    sorted[Math.min(trips - 1, (int) (trips * 0.99))] / 1e3);
        }
    }

    private static void pingPong(OutputStream out, InputStream in) throws IOException {
        out.write('p');
        if (in.read() != 'p') {
            throw new IOException("the echo server closed or answered something else");
        }
    }
}
