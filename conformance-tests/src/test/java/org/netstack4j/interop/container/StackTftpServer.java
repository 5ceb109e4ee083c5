package org.netstack4j.interop.container;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.MSG_DONTWAIT;
import static org.netstack4j.socket.SocketConstants.POLLIN;
import static org.netstack4j.socket.SocketConstants.SOCK_DGRAM;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.PollFd;
import org.netstack4j.socket.RecvResult;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.wire.Ipv4Address;

/**
 * A one-transfer TFTP server (RFC 1350) on a stack UDP socket, so that busybox's tftp client in a container
 * can exchange datagrams with the stack in both directions (this busybox's nc has no UDP mode). Lock-step:
 * every DATA block is answered by an ACK before the next; a lost packet is sent again after a second.
 * Options (RFC 2347) are ignored, which the RFC allows: the client then falls back to 512-byte blocks.
 */
final class StackTftpServer implements AutoCloseable {

    private static final int RRQ = 1;
    private static final int WRQ = 2;
    private static final int DATA = 3;
    private static final int ACK = 4;
    private static final int ERROR = 5;
    private static final int BLOCK = 512;
    private static final int RETRY_MILLIS = 1000;
    private static final int RETRIES = 5;

    private final BsdSockets sockets;
    private final int fd;
    private final byte[] buf = new byte[BLOCK + 4 + 64];
    private SockAddrIn client;

    /** Binds a UDP socket to {@code port} on the stack. */
    StackTftpServer(BsdSockets sockets, int port) {
        this.sockets = sockets;
        this.fd = sockets.socket(AF_INET, SOCK_DGRAM, 0);
        sockets.bind(fd, new SockAddrIn(Ipv4Address.ANY, port));
    }

    /** Answers one read request with {@code file}; returns the file name the client asked for. */
    String serveRead(byte[] file, Duration timeout) {
        String name = awaitRequest(RRQ, timeout);
        int blocks = file.length / BLOCK + 1; // the last block is shorter than 512 bytes, maybe empty
        for (int block = 1; block <= blocks; block++) {
            int from = (block - 1) * BLOCK;
            byte[] data = Arrays.copyOfRange(file, from, Math.min(file.length, from + BLOCK));
            byte[] packet = ByteBuffer.allocate(4 + data.length).putShort((short) DATA).putShort((short) block)
                    .put(data).array();
            exchange(packet, ACK, block);
        }
        return name;
    }

    /** Takes one write request; returns the bytes the client wrote. */
    byte[] takeWrite(Duration timeout) {
        awaitRequest(WRQ, timeout);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int block = 0;
        while (true) {
            byte[] ack = ByteBuffer.allocate(4).putShort((short) ACK).putShort((short) block).array();
            int len = exchange(ack, DATA, block + 1);
            file.write(buf, 4, len - 4);
            block++;
            if (len - 4 < BLOCK) {
                sendTo(ByteBuffer.allocate(4).putShort((short) ACK).putShort((short) block).array());
                return file.toByteArray();
            }
        }
    }

    private String awaitRequest(int opcode, Duration timeout) {
        int len = receive((int) timeout.toMillis());
        if (len < 0) {
            throw new AssertionError("no TFTP request within " + timeout);
        }
        if (opcode(len) != opcode) {
            throw new AssertionError("expected TFTP opcode " + opcode + ", got " + opcode(len));
        }
        int end = 2;
        while (end < len && buf[end] != 0) {
            end++;
        }
        return new String(buf, 2, end - 2, StandardCharsets.US_ASCII);
    }

    /** Sends {@code packet} until the reply {@code opcode} with {@code block} comes; returns its length. */
    private int exchange(byte[] packet, int opcode, int block) {
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
            sendTo(packet);
            long deadline = System.nanoTime() + RETRY_MILLIS * 1_000_000L;
            while (true) {
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000);
                int len = left > 0 ? receive(left) : -1;
                if (len < 0) {
                    break; // time to send again
                }
                if (opcode(len) == ERROR) {
                    throw new AssertionError("the client sent a TFTP error: "
                            + new String(buf, 4, Math.max(0, len - 5), StandardCharsets.US_ASCII));
                }
                if (opcode(len) == opcode && len >= 4 && Short.toUnsignedInt(ByteBuffer.wrap(buf).getShort(2)) == block) {
                    return len;
                }
                // A duplicate of an earlier packet: ignore it (RFC 1350 section 6 warns against answering it).
            }
        }
        throw new AssertionError("no TFTP opcode " + opcode + " for block " + block + " after " + RETRIES + " retries");
    }

    private int opcode(int len) {
        return len < 2 ? -1 : Short.toUnsignedInt(ByteBuffer.wrap(buf).getShort(0));
    }

    /** Receives one datagram into {@link #buf} within {@code millis}; -1 if none came. */
    private int receive(int millis) {
        PollFd[] entry = {new PollFd(fd, POLLIN)};
        if (sockets.poll(entry, millis) <= 0) {
            return -1;
        }
        RecvResult r = sockets.recvfrom(fd, buf, 0, buf.length, MSG_DONTWAIT);
        client = r.source();
        return r.length();
    }

    private void sendTo(byte[] packet) {
        sockets.sendto(fd, packet, 0, packet.length, 0, client);
    }

    @Override
    public void close() {
        sockets.close(fd);
    }
}
