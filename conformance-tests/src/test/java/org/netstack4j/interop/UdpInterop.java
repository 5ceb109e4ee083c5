package org.netstack4j.interop;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.POLLIN;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.PollFd;
import org.netstack4j.socket.SockAddrIn;

/** What the UDP interop tests share, whatever the kernel peer is. */
public final class UdpInterop {

    private UdpInterop() {
    }

    /**
     * Sends one datagram from a stack socket connected to {@code to}, where nothing listens, and returns the
     * error that the socket's next receive reports once the peer's ICMP port unreachable arrived (RFC 1122
     * section 4.1.3.3: UDP passes ICMP errors up to the application). Fails if the socket reports nothing
     * within {@code timeout}, or reports data instead of an error.
     */
    public static ErrnoException errorOfConnectedSocket(StackEnd end, SockAddrIn to, Duration timeout) {
        BsdSockets sockets = end.sockets();
        int fd = sockets.socket(AF_INET, SOCK_DGRAM, 0);
        try {
            sockets.connect(fd, to);
            byte[] probe = "knock".getBytes(StandardCharsets.US_ASCII);
            sockets.send(fd, probe, 0, probe.length, 0);
            PollFd[] entry = {new PollFd(fd, POLLIN)};
            if (sockets.poll(entry, (int) timeout.toMillis()) != 1) {
                throw new AssertionError("no error reported on the socket within " + timeout + end.context());
            }
            try {
                int got = sockets.recv(fd, new byte[64], 0, 64, 0);
                throw new AssertionError("expected an error, received " + got + " bytes" + end.context());
            } catch (ErrnoException e) {
                return e;
            }
        } finally {
            sockets.close(fd);
        }
    }
}
