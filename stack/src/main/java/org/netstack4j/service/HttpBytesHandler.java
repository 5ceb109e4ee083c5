package org.netstack4j.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.netstack4j.adapter.StackSocket;

/**
 * A small HTTP/1.1 server (RFC 9112) for testing transfers: {@code GET /bytes/N} answers N bytes whose byte
 * i is {@code i mod 251} (a prime, so the pattern does not line up with buffer sizes), with Content-Length;
 * anything else is 404. Connections are kept alive (HTTP/1.1 default) unless the request says
 * {@code Connection: close} or is HTTP/1.0 without keep-alive. {@code HEAD} is answered without a body.
 */
final class HttpBytesHandler implements TcpService.Handler {
    /** Largest N served: 2^40 bytes, more than any test needs and well within a long. */
    static final long MAX_BYTES = 1L << 40;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    @Override
    public void serve(StackSocket socket) throws IOException {
        // Buffered: the head is parsed byte by byte, and each socket read is a hand-off to the stack's thread.
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
        OutputStream out = socket.getOutputStream();
        while (true) {
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] request = lines[0].split(" ");
            boolean http10 = request.length > 2 && request[2].equals("HTTP/1.0");
            boolean keepAlive = !http10;
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i].toLowerCase(Locale.ROOT);
                if (l.startsWith("connection:")) {
                    keepAlive = l.contains("keep-alive") || (!http10 && !l.contains("close"));
                }
            }
            if (request.length < 3 || !(request[0].equals("GET") || request[0].equals("HEAD"))) {
                respond(out, "400 Bad Request", "bad request\n", keepAlive && request.length >= 3, true);
                if (request.length < 3) {
                    return;
                }
                continue;
            }
            boolean head_ = request[0].equals("HEAD");
            long n = parseBytesPath(request[1]);
            if (n < 0) {
                respond(out, "404 Not Found", "not found: try /bytes/N\n", keepAlive, !head_);
            } else {
                String h = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + n
                        + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
                out.write(h.getBytes(StandardCharsets.US_ASCII));
                if (!head_) {
                    writePattern(out, n);
                }
            }
            if (!keepAlive) {
                socket.shutdownOutput();
                return;
            }
        }
    }

    /** The N of {@code /bytes/N}, or -1 for any other path. */
    static long parseBytesPath(String path) {
        if (!path.startsWith("/bytes/")) {
            return -1;
        }
        String digits = path.substring("/bytes/".length());
        if (digits.isEmpty() || digits.length() > 13 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        long n = Long.parseLong(digits);
        return n <= MAX_BYTES ? n : -1;
    }

    /** Writes n bytes of the pattern, byte i being i mod 251. */
    static void writePattern(OutputStream out, long n) throws IOException {
        byte[] block = new byte[251 * 256]; // a whole number of periods, so every block starts at i mod 251 == 0
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i % 251);
        }
        long left = n;
        while (left > 0) {
            int len = (int) Math.min(block.length, left);
            out.write(block, 0, len);
            left -= len;
        }
    }

    private static void respond(OutputStream out, String status, String body, boolean keepAlive, boolean withBody)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        String h = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        out.write(h.getBytes(StandardCharsets.US_ASCII));
        if (withBody) {
            out.write(b);
        }
    }

    /** Reads up to the blank line ending the request head; null at a clean end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.write(c);
            // Match \r\n\r\n.
            state = switch (state) {
                case 0, 2 -> c == '\r' ? state + 1 : 0;
                case 1 -> c == '\n' ? 2 : (c == '\r' ? 1 : 0);
                case 3 -> c == '\n' ? 4 : (c == '\r' ? 1 : 0);
                default -> 0;
            };
            if (state == 4) {
                return head.toString(StandardCharsets.ISO_8859_1).trim();
            }
            if (head.size() > MAX_HEADER_BYTES) {
                return null;
            }
        }
    }
}
