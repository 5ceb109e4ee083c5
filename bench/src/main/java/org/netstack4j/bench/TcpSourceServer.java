package org.netstack4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The kernel baseline of the bulk TCP receive benchmark: stands in for netstack4j's HTTP service on the
 * kernel's stack (plain java.net, one virtual thread per connection), run in the second namespace of a veth
 * pair. It reads a request head up to its blank line, whatever it asks for, answers with a {@code 200} head and
 * then writes the same body as {@code GET /bytes/N} (byte i is i mod 251, in 251 x 256-byte blocks) until the
 * client closes.
 */
public final class TcpSourceServer {
    private TcpSourceServer() {
    }

    /** Arguments: bind-address port. Prints {@code listening} once bound, then runs until killed. */
    public static void main(String[] args) throws IOException {
        KernelSideServer.run(args, TcpSourceServer::serve);
    }

    private static void serve(Socket c) {
        try (c) {
            InputStream in = c.getInputStream();
            int state = 0; // how much of \r\n\r\n has been seen
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                boolean cr = state % 2 == 0;
                state = (b == (cr ? '\r' : '\n')) ? state + 1 : (b == '\r' ? 1 : 0);
            }
            OutputStream out = c.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[251 * 256];
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) (i % 251);
            }
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            // the client went away: done
        }
    }
}
