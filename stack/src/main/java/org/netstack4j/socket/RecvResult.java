package org.netstack4j.socket;

/**
 * What recvfrom returned: the byte count (or, with MSG_TRUNC, the datagram's real length), whether the
 * datagram was cut to fit, and the sender.
 */
public record RecvResult(int length, boolean truncated, SockAddrIn source) {
}
