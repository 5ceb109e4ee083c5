package org.netstack4j.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * The kernel baseline of the UDP echo benchmark: the same echo service as netstack4j's, on the kernel's
 * stack (plain java.net, one thread), run in the second namespace of a veth pair.
 */
public final class UdpEchoServer {
    private UdpEchoServer() {
    }

    /** Arguments: bind-address port. Runs until killed. */
    public static void main(String[] args) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(args[0], Integer.parseInt(args[1])))) {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            System.out.println("listening");
            while (true) {
                p.setLength(buf.length);
                s.receive(p);
                s.send(p);
            }
        }
    }
}
