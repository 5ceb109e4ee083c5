package org.netstack4j.udp;

import io.netty.buffer.ByteBuf;

/**
 * One received UDP datagram waiting in a socket's queue: where it came from and its payload, which the
 * holder owns and must release.
 */
public record Datagram(int sourceIp, int sourcePort, ByteBuf payload) {
}
