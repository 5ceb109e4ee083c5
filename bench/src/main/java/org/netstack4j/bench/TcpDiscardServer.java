package org.netstack4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * The kernel baseline of the bulk TCP send benchmark: a discard server (RFC 863) on the kernel's stack, built
 * like netstack4j's (plain java.net, one virtual thread per connection, reads into a 16 KiB buffer and drops
 * it, closes at end of stream), run in the second namespace of a veth pair.
 */
public final class TcpDiscardServer {
    private TcpDiscardServer() {
    }

    /** Arguments: bind-address port. Prints {@code listening} once bound, then runs until killed. */
    public static void main(String[] args) throws IOException {
        KernelSideServer.run(args, TcpDiscardServer::serve);
    }

    private static void serve(Socket c) {
        try (c) {
            InputStream in = c.getInputStream();
            byte[] buf = new byte[16384];
            while (in.read(buf) > 0) {
                // thrown away
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }
}
