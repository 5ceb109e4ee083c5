package org.netstack4j.udp;

import io.netty.buffer.ByteBuf;

/**
 * Serves a UDP socket on the stack's own thread: each datagram that arrives for the endpoint is handed to the
 * handler at once instead of being queued for recvfrom, so a small service (echo, discard) answers without two
 * thread hand-offs per datagram. Set with {@link UdpLayer#serve}; the stream counterpart is
 * {@link org.netstack4j.tcp.StreamHandler}.
 */
@FunctionalInterface
public interface DatagramHandler {
    /**
     * One datagram from {@code sourceIp:sourcePort}, sent to a broadcast address if {@code broadcast};
     * {@code payload} is valid only during the call (copy or {@link UdpLayer#send} what must outlive it). Runs on
     * the stack's thread: it must not block. A handler that throws is logged and taken off the socket, which then
     * queues datagrams for recvfrom again.
     */
    void onDatagram(UdpEndpoint ep, int sourceIp, int sourcePort, ByteBuf payload, boolean broadcast);
}
