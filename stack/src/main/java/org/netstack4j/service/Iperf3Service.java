package org.netstack4j.service;

import static org.netstack4j.service.Iperf3Protocol.*;

import java.io.IOException;
import org.netstack4j.adapter.StackSocket;

/**
 * An iperf3-compatible server (port 5201) for TCP tests, so that a stock {@code iperf3 -c} measures the stack:
 * normal mode (the client sends), reverse mode ({@code -R}, the stack sends) and several parallel streams
 * ({@code -P}). UDP, SCTP and bidirectional tests are refused with a server error.
 *
 * <p>Every connection opens with a cookie. The first connection of a test is its control connection; later
 * ones carrying the same cookie while the test creates its streams are its data streams. Like iperf3, the
 * server runs one test at a time and answers any other client with ACCESS_DENIED.
 */
final class Iperf3Service implements TcpService.Handler {
    /** The port iperf3 uses by default. */
    static final int PORT = 5201;

    private Iperf3Test current;

    @Override
    public void serve(StackSocket socket) throws IOException {
        byte[] cookie = readFully(socket.getInputStream(), COOKIE_SIZE);
        Iperf3Test test;
        Iperf3Test created = null;
        Iperf3Stream stream = null;
        synchronized (this) {
            test = current;
            if (test != null && test.ownsStream(cookie)) {
                stream = test.addStream(socket);
            } else if (test == null) {
                created = new Iperf3Test(cookie, socket);
                current = created;
            }
        }
        if (stream != null) {
            serveStream(test, stream);
        } else if (created != null) {
            serveControl(created);
        } else {
            writeState(socket.getOutputStream(), ACCESS_DENIED);
        }
    }

    private void serveControl(Iperf3Test test) throws IOException {
        try {
            test.run();
        } finally {
            synchronized (this) {
                current = null;
            }
        }
    }

    private static void serveStream(Iperf3Test test, Iperf3Stream stream) throws IOException {
        if (!test.reverse()) {
            stream.receive();
            return;
        }
        try {
            stream.send(test, test.blockLength());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
