package org.netstack4j.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernel-side client for the idle-connection memory figure: opens {@code count} TCP connections to one server
 * port (one after the other), prints {@code held=N} once all are established, keeps them open until its stdin
 * ends, then closes them all and prints {@code closed=N}.
 */
public final class TcpHoldConnections {
    private TcpHoldConnections() {
    }

    /** Arguments: host port count. */
    public static void main(String[] args) throws IOException {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        List<Socket> open = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket();
                s.connect(to, 10_000);
                open.add(s);
            }
            System.out.println("held=" + open.size());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until stdin closes
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
            System.out.println("closed=" + open.size());
        }
    }
}
