package org.netstack4j.adapter;

import static org.netstack4j.socket.SocketConstants.AF_INET;
import static org.netstack4j.socket.SocketConstants.SOCK_STREAM;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.socket.SockAddrIn;

/**
 * A connected TCP socket of a netstack4j stack with the familiar Java stream API, for use from any thread
 * (virtual threads included): {@link #getInputStream()} returns -1 at end of stream; failures surface as
 * {@link IOException}s carrying the errno message, e.g. "recv: Connection reset by peer (ECONNRESET)".
 */
public final class StackSocket implements Closeable {
    private final BsdSockets sockets;
    private final int fd;
    private final SockAddrIn peer;
    private final InputStream in;
    private final OutputStream out;
    private boolean closed;

    StackSocket(BsdSockets sockets, int fd, SockAddrIn peer) {
        this.sockets = sockets;
        this.fd = fd;
        this.peer = peer;
        this.in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                try {
                    int n = sockets.read(fd, b, off, len);
                    return n == 0 ? -1 : n;
                } catch (ErrnoException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    int done = 0;
                    while (done < len) {
                        done += sockets.write(fd, b, off + done, len - done);
                    }
                } catch (ErrnoException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    /** Connects to {@code address} (blocking). */
    public static StackSocket connect(BsdSockets sockets, SockAddrIn address) throws IOException {
        int fd = sockets.socket(AF_INET, SOCK_STREAM, 0);
        try {
            sockets.connect(fd, address);
        } catch (ErrnoException e) {
            sockets.close(fd);
            throw new IOException(e.getMessage(), e);
        }
        return new StackSocket(sockets, fd, address);
    }

    /** The stream of bytes from the peer. */
    public InputStream getInputStream() {
        return in;
    }

    /** The stream of bytes to the peer. */
    public OutputStream getOutputStream() {
        return out;
    }

    /** The peer's address. */
    public SockAddrIn peer() {
        return peer;
    }

    /** The descriptor, for calls the adapter does not wrap (options, poll). */
    public int fd() {
        return fd;
    }

    /**
     * Moves this connection's data path onto the stack's thread: {@code handler} serves it there until it
     * returns false or the connection ends, and the future completes then (see
     * {@link BsdSockets#serveOnStack}). The socket stays open until {@link #close()}.
     */
    public java.util.concurrent.CompletableFuture<Void> serveOnStack(org.netstack4j.tcp.StreamHandler handler)
            throws IOException {
        try {
            return sockets.serveOnStack(fd, handler);
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Half-close: our FIN after the data written so far (shutdown SHUT_WR). */
    public void shutdownOutput() throws IOException {
        try {
            sockets.shutdown(fd, org.netstack4j.socket.SocketConstants.SHUT_WR);
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                sockets.close(fd);
            } catch (ErrnoException e) {
                // already closed underneath
            }
        }
    }
}
