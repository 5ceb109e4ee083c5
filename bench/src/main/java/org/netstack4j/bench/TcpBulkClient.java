package org.netstack4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Kernel-side client of the bulk TCP throughput benchmark (plain java.net, run inside a network namespace),
 * one connection per run, printing {@code mbit_per_second=N bytes=M}.
 *
 * <p>Mode {@code send}: writes 64 KiB blocks to a discard server for {@code seconds}, then half-closes and
 * waits for the server to close in turn, so the figure counts only bytes the server has read (not bytes still
 * sitting in the send buffer) over the time until then. Mode {@code receive}: asks an HTTP server for
 * {@code GET /bytes/N} with N far more than can arrive in time, reads for {@code seconds} and counts every byte
 * read (the response head included: a hundred bytes against hundreds of megabytes).
 */
public final class TcpBulkClient {
    private static final int BLOCK = 64 * 1024;
    /** More than any run can move: 2^40 bytes, the stack's HTTP service's limit. */
    private static final long ENDLESS = 1L << 40;

    private TcpBulkClient() {
    }

    /** Arguments: send|receive host port seconds. */
    public static void main(String[] args) throws IOException {
        String mode = args[0];
        InetSocketAddress to = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        long seconds = Long.parseLong(args[3]);
        try (Socket s = new Socket()) {
            s.connect(to, 5000);
            s.setSoTimeout(10_000);
            long[] result = switch (mode) {
                case "send" -> send(s, seconds);
                case "receive" -> receive(s, seconds);
                default -> throw new IllegalArgumentException("mode must be send or receive, not " + mode);
            };
            double elapsed = result[1] / 1e9;
            System.out.printf("mbit_per_second=%.1f bytes=%d%n", result[0] * 8 / elapsed / 1e6, result[0]);
        }
    }

    /** Returns {bytes, nanoseconds}. */
    private static long[] send(Socket s, long seconds) throws IOException {
        OutputStream out = s.getOutputStream();
        byte[] block = new byte[BLOCK];
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long bytes = 0;
        while (System.nanoTime() < end) {
            out.write(block);
            bytes += BLOCK;
        }
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        while (in.read(block) >= 0) {
            // a discard server sends nothing; wait for its FIN
        }
        return new long[] {bytes, System.nanoTime() - start};
    }

    /** Returns {bytes, nanoseconds}. */
    private static long[] receive(Socket s, long seconds) throws IOException {
        s.getOutputStream().write(("GET /bytes/" + ENDLESS + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] buf = new byte[BLOCK];
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long bytes = 0;
        long now = start;
        while (now < end) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("the server closed after " + bytes + " bytes");
            }
            bytes += n;
            now = System.nanoTime();
        }
        return new long[] {bytes, now - start};
    }
}
