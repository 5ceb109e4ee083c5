package org.netstack4j.packetdrill;

import java.util.List;

/**
 * An IPv4 packet the stack sent, decoded into the fields the matcher compares. Transport fields that do not
 * apply to the packet's protocol are zero (and {@code options} empty).
 *
 * @param version      IP version
 * @param headerLength IP header length in bytes
 * @param totalLength  IP total length
 * @param tos          the TOS byte (DSCP and ECN)
 * @param ttl          TTL
 * @param protocol     6 TCP, 17 UDP, 1 ICMP
 * @param checksumOk   the IP header checksum verifies
 * @param source       source address
 * @param destination  destination address
 * @param sourcePort   TCP/UDP source port
 * @param destinationPort TCP/UDP destination port
 * @param seq          TCP sequence number
 * @param ack          TCP acknowledgment number
 * @param dataOffset   TCP header length in bytes
 * @param flags        TCP flag bits ({@link TcpFlags})
 * @param window       TCP window field
 * @param urgent       TCP urgent pointer
 * @param options      TCP options in order
 * @param payloadLength TCP/UDP payload bytes
 * @param icmpType     ICMP type
 * @param icmpCode     ICMP code
 */
public record WirePacket(int version, int headerLength, int totalLength, int tos, int ttl, int protocol,
                         boolean checksumOk, int source, int destination, int sourcePort, int destinationPort,
                         long seq, long ack, int dataOffset, int flags, int window, int urgent, List<TcpOpt> options,
                         int payloadLength, int icmpType, int icmpCode) {
    /** IANA protocol numbers. */
    public static final int ICMP = 1;
    /** TCP. */
    public static final int TCP = 6;
    /** UDP. */
    public static final int UDP = 17;
}
