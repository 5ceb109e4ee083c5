package org.netstack4j.service;

import java.io.IOException;
import org.netstack4j.adapter.StackSocket;

/**
 * One iperf3 TCP data stream. Its connection's thread sets it up; the data then moves on the stack's own thread
 * ({@link StackSocket#serveOnStack}): in normal mode it counts what the client sends until the connection
 * ends; in reverse mode ({@code -R}) it waits for the test to start, then writes the client's block pattern
 * until the test stops.
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

    /**
     * Counts the client's bytes until the connection ends. The counting runs on the stack's thread, which
     * drops the data as it arrives without copying it anywhere.
     */
    void receive() throws IOException {
        await(socket.serveOnStack(c -> {
            bytes += c.skip(c.readable());
            return !c.peerClosed();
        }));
    }

    /**
     * Sends from when {@code test} runs until it stops. The writing runs on the stack's thread, topping the
     * send queue up from one pattern block of {@code blockLength} bytes whenever acknowledgements make room.
     */
    void send(Iperf3Test test, int blockLength) throws IOException, InterruptedException {
        if (!test.awaitRunning()) {
            return;
        }
        byte[] block = new byte[blockLength];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31 + 7);
        }
        int[] position = {0};
        await(socket.serveOnStack(c -> {
            c.skip(c.readable());
            int room;
            while (!test.stopped() && (room = c.writable()) > 0) {
                int n = c.write(block, position[0], Math.min(room, block.length - position[0]));
                if (n == 0) {
                    break;
                }
                position[0] = (position[0] + n) % block.length;
                bytes += n;
            }
            return !test.stopped();
        }));
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> served) throws IOException {
        try {
            served.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** Ends the stream from our side; a thread blocked on it fails and returns. */
    void close() {
        socket.close();
    }
}
