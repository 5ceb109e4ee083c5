package org.netstack4j.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * Kernel-side load generator for the UDP echo benchmark (plain java.net, run inside a network namespace):
 * keeps {@code window} datagrams of {@code size} bytes in flight to an echo server for {@code seconds} and
 * prints {@code echoes_per_second=N lost=M}. A datagram not answered within 200 ms is counted lost and
 * replaced, so loss cannot stall the run.
 */
public final class UdpEchoLoad {
    private UdpEchoLoad() {
    }

    /** Arguments: host port seconds window size. */
    public static void main(String[] args) throws IOException {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long seconds = Long.parseLong(args[2]);
        int window = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        byte[] payload = new byte[size];
        byte[] buf = new byte[65536];
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(to);
            s.setSoTimeout(200);
            DatagramPacket out = new DatagramPacket(payload, size);
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            // Warm-up: one exchange so ARP is resolved and the JIT has seen the path.
            for (int i = 0; i < 100; i++) {
                s.send(out);
                try {
                    s.receive(in);
                } catch (SocketTimeoutException e) {
                    // retry
                }
            }
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            long echoes = 0;
            long lost = 0;
            int inFlight = 0;
            while (System.nanoTime() < end) {
                while (inFlight < window) {
                    s.send(out);
                    inFlight++;
                }
                try {
                    s.receive(in);
                    echoes++;
                    inFlight--;
                } catch (SocketTimeoutException e) {
                    lost += inFlight;
                    inFlight = 0;
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("echoes_per_second=%.0f lost=%d%n", echoes / elapsed, lost);
        }
    }
}
