package org.netstack4j.service;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The iperf3 control protocol's wire pieces: the 37-byte cookie that opens every connection (36 printable
 * characters and a NUL), the one-byte states the server and client exchange on the control connection, and
 * JSON objects framed by a 4-byte big-endian length.
 */
final class Iperf3Protocol {
    /** Cookie length on the wire, the terminating NUL included. */
    static final int COOKIE_SIZE = 37;
    /** Largest JSON object accepted from a client; iperf3's parameter and result objects are a few KB. */
    static final int MAX_JSON_BYTES = 1 << 20;

    // The states (signed bytes) that iperf3 sends on the control connection.
    static final int TEST_START = 1;
    static final int TEST_RUNNING = 2;
    static final int TEST_END = 4;
    static final int PARAM_EXCHANGE = 9;
    static final int CREATE_STREAMS = 10;
    static final int SERVER_TERMINATE = 11;
    static final int CLIENT_TERMINATE = 12;
    static final int EXCHANGE_RESULTS = 13;
    static final int DISPLAY_RESULTS = 14;
    static final int IPERF_DONE = 16;
    static final int ACCESS_DENIED = -1;
    static final int SERVER_ERROR = -2;

    private Iperf3Protocol() {
    }

    /** Reads exactly {@code n} bytes; EOFException if the stream ends first. */
    static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                throw new EOFException("the iperf3 client closed the connection");
            }
            got += r;
        }
        return b;
    }

    /** The next state byte (signed), or null at end of stream. */
    static Integer readState(InputStream in) throws IOException {
        int b = in.read();
        return b < 0 ? null : (int) (byte) b;
    }

    /** Sends one state byte. */
    static void writeState(OutputStream out, int state) throws IOException {
        out.write(new byte[] {(byte) state});
    }

    /** Reads a length-prefixed JSON object as text. */
    static String readJson(InputStream in) throws IOException {
        byte[] len = readFully(in, 4);
        int n = ((len[0] & 0xFF) << 24) | ((len[1] & 0xFF) << 16) | ((len[2] & 0xFF) << 8) | (len[3] & 0xFF);
        if (n < 0 || n > MAX_JSON_BYTES) {
            throw new IOException("iperf3 JSON of " + Integer.toUnsignedString(n) + " bytes is too large");
        }
        return new String(readFully(in, n), StandardCharsets.UTF_8);
    }

    /** Sends {@code json} with its length prefix, in one write. */
    static void writeJson(OutputStream out, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[4 + body.length];
        framed[0] = (byte) (body.length >>> 24);
        framed[1] = (byte) (body.length >>> 16);
        framed[2] = (byte) (body.length >>> 8);
        framed[3] = (byte) body.length;
        System.arraycopy(body, 0, framed, 4, body.length);
        out.write(framed);
    }

    /** Sends SERVER_ERROR followed by iperf3's error number and an errno (both 32-bit big-endian). */
    static void writeServerError(OutputStream out, int iperfErrno) throws IOException {
        byte[] b = new byte[9];
        b[0] = (byte) SERVER_ERROR;
        b[1] = (byte) (iperfErrno >>> 24);
        b[2] = (byte) (iperfErrno >>> 16);
        b[3] = (byte) (iperfErrno >>> 8);
        b[4] = (byte) iperfErrno;
        out.write(b);
    }
}
