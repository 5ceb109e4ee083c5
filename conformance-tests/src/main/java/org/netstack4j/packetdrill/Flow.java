package org.netstack4j.packetdrill;

/**
 * The ports of the connection or association the script is talking on: packet lines without explicit ports
 * use them. bind/listen set the local port, connect/sendto the remote one, accept and connect the socket
 * whose TCP_INFO {@code %{ }%} blocks see.
 */
final class Flow {
    /** The remote port of inbound packets to a listening socket (packetdrill picks one; we fix it). */
    static final int REMOTE_EPHEMERAL_PORT = 48_879;
    int localPort;
    int remotePort = REMOTE_EPHEMERAL_PORT;
    /** The live fd of the socket under test, or -1. */
    int testFd = -1;
}
