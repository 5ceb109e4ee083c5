package org.netstack4j.service;

import org.netstack4j.tcp.StreamHandler;
import org.netstack4j.tcp.TcpConnection;

/**
 * RFC 862 echo on the stack's thread: reads only as much as the send queue has room for, so nothing is held
 * back in between, and a peer that does not read its echo closes our receive window in turn. Closes once the
 * peer has closed and everything has been echoed. One instance serves every connection of a server (it keeps
 * no per-connection state; the scratch array is only touched on the stack's thread).
 */
final class EchoHandler implements StreamHandler {
    private final byte[] scratch = new byte[64 * 1024];

    @Override
    public boolean onReadiness(TcpConnection c) {
        int n;
        while ((n = c.read(scratch, 0, Math.min(scratch.length, c.writable()), false)) > 0) {
            c.write(scratch, 0, n);
        }
        return c.readable() > 0 || !c.peerClosed();
    }
}
