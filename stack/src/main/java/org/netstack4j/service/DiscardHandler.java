package org.netstack4j.service;

import org.netstack4j.tcp.StreamHandler;
import org.netstack4j.tcp.TcpConnection;

/** RFC 863 discard on the stack's thread: drops what arrives without copying it; closes after the peer does. */
final class DiscardHandler implements StreamHandler {
    @Override
    public boolean onReadiness(TcpConnection c) {
        c.skip(c.readable());
        return !c.peerClosed();
    }
}
