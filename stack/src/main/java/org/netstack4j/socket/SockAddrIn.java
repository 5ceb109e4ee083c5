package org.netstack4j.socket;

import org.netstack4j.wire.Ipv4Address;

/** An IPv4 socket address, like C's {@code struct sockaddr_in}: address and port. */
public record SockAddrIn(Ipv4Address address, int port) {
    /** Checks the port range. */
    public SockAddrIn {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /** {@code a.b.c.d:port}. */
    public static SockAddrIn of(String address, int port) {
        return new SockAddrIn(Ipv4Address.parse(address), port);
    }

    @Override
    public String toString() {
        return address + ":" + port;
    }
}
