package org.netstack4j.wire;

/** The first structural problem a view's {@code check()} found in received bytes. */
public enum WireError {
    /** Fewer bytes than the fixed part of the header. */
    TRUNCATED,
    /** IPv4 version field is not 4. */
    BAD_VERSION,
    /** Header length field (IPv4 IHL, TCP data offset) is too small or runs past the available bytes. */
    BAD_HEADER_LENGTH,
    /** IPv4 total length is smaller than the header or larger than the available bytes. */
    BAD_TOTAL_LENGTH,
    /** A length field is inconsistent (UDP length, IPv4 fragment end past 65535). */
    BAD_LENGTH,
    /** The Internet checksum does not verify. */
    BAD_CHECKSUM,
    /** A TCP option is malformed: zero or short length, runs past the header, or a known kind with wrong length. */
    BAD_OPTION,
    /** ARP hardware/protocol type or address lengths are not Ethernet/IPv4. */
    BAD_HARDWARE_TYPE
}
