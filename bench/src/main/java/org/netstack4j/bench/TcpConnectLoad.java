package org.netstack4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Kernel-side load generator of the TCP connection-rate benchmark (plain java.net, run inside a network
 * namespace): for {@code seconds}, one after the other, opens a connection to an echo server, writes one byte,
 * reads it back and closes, then prints {@code connections_per_second=N failed=M}. A connection that fails or
 * takes more than 2 s is counted failed and the run goes on.
 */
public final class TcpConnectLoad {
    private TcpConnectLoad() {
    }

    /** Arguments: host port seconds. */
    public static void main(String[] args) {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long seconds = Long.parseLong(args[2]);
        // Warm-up: resolves ARP and lets the JIT see the path before the clock starts.
        for (int i = 0; i < 50; i++) {
            once(to);
        }
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long done = 0;
        long failed = 0;
        long now = start;
        while (now < end) {
            if (once(to)) {
                done++;
            } else {
                failed++;
            }
            now = System.nanoTime();
        }
        System.out.printf("connections_per_second=%.0f failed=%d%n", done / ((now - start) / 1e9), failed);
    }

    /** One connect, one-byte request and answer, close; false if any of it failed. */
    private static boolean once(InetSocketAddress to) {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(to, 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write('x');
            InputStream in = s.getInputStream();
            return in.read() == 'x';
        } catch (IOException e) {
            return false;
        }
    }
}
