package org.netstack4j.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.netstack4j.adapter.StackSocket;

/**
 * One iperf3 TCP data stream, served on its connection's own thread: in normal mode it reads and counts what
 * the client sends until the connection ends; in reverse mode ({@code -R}) it waits for the test to start,
 * then writes blocks of the client's block length until the test stops.
 */
final class Iperf3Stream {
    private final int id;
    private final StackSocket socket;
    private volatile long bytes;

    Iperf3Stream(int id, StackSocket socket) {
        this.id = id;
        this.socket = socket;
    }

    /** The stream id the client knows it by. */
    int id() {
        return id;
    }

    /** Bytes received (normal mode) or sent (reverse mode) so far. */
    long bytes() {
        return bytes;
    }

    /** Counts the client's bytes until the connection ends. */
    void receive() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[256 * 1024];
        int n;
        long total = 0;
        while ((n = in.read(buf)) > 0) {
            total += n;
            bytes = total;
        }
    }

    /** Sends blocks of {@code blockLength} bytes from when {@code test} runs until it stops. */
    void send(Iperf3Test test, int blockLength) throws IOException, InterruptedException {
        if (!test.awaitRunning()) {
            return;
        }
        OutputStream out = socket.getOutputStream();
        byte[] block = new byte[blockLength];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31 + 7);
        }
        long total = 0;
        while (!test.stopped()) {
            out.write(block);
            total += block.length;
            bytes = total;
        }
    }

    /** Ends the stream from our side; a thread blocked on it fails and returns. */
    void close() {
        socket.close();
    }
}
