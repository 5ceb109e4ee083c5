package org.netstack4j.icmp;

import org.netstack4j.wire.Ipv4Address;

/** Told of every ICMP echo reply the stack receives (for ping from the stack). Runs on the loop thread. */
@FunctionalInterface
public interface EchoReplyListener {
    /** An echo reply from {@code from} with the given identifier, sequence number and data length. */
    void echoReply(Ipv4Address from, int identifier, int sequence, int dataLength, long receivedAtNanos);
}
