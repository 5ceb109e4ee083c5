package org.netstack4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The kernel baseline of the TCP connection-rate and request/response benchmarks: an echo server (RFC 862) on
 * the kernel's stack, built like netstack4j's (plain java.net, one virtual thread per connection, writes back
 * what it reads, closes at end of stream), run in the second namespace of a veth pair.
 */
public final class TcpEchoServer {
    private TcpEchoServer() {
    }

    /** Arguments: bind-address port. Prints {@code listening} once bound, then runs until killed. */
    public static void main(String[] args) throws IOException {
        KernelSideServer.run(args, TcpEchoServer::serve);
    }

    private static void serve(Socket c) {
        try (c) {
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }
}
