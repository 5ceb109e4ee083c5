package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;

/**
 * The fields of one arriving segment that the state machine needs, read once from the wire view (sequence
 * numbers as wrap-safe ints, options decoded). One instance is reused for every segment, so it must not be
 * kept beyond the call that handles the segment.
 */
final class TcpInput {
    int seq;
    int ack;
    int flags;
    int window;
    int mss;
    ByteBuf buffer;
    int payloadOffset;
    int payloadLength;
    /** The IPv4 header's ECN field was CE (RFC 3168 5). */
    boolean ce;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
