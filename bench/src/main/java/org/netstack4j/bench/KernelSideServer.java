package org.netstack4j.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * The accept loop the kernel-side baseline servers share: bind to {@code args[0]:args[1]} with a backlog of
 * 128, print {@code listening} (run-bench.sh waits for it), then hand each connection to {@code serve} on a
 * virtual thread of its own, as netstack4j's services do, until the process is killed.
 */
final class KernelSideServer {
    private KernelSideServer() {
    }

    static void run(String[] args, Consumer<Socket> serve) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 128);
            System.out.println("listening");
            while (true) {
                Socket c = server.accept();
                Thread.ofVirtual().start(() -> serve.accept(c));
            }
        }
    }
}
