package org.netstack4j.tcp;

/**
 * Application code that serves one connection on the stack's own thread, the way a Netty handler runs on its
 * event loop: no thread per connection and no hand-off per read or write. The stack calls it after each batch
 * of work (a burst of received frames, a timer, a socket call) that may have changed the connection: data or
 * end of stream to read, room to write, a reset or a close. It reads with {@link TcpConnection#read} or
 * {@link TcpConnection#skip}, writes with {@link TcpConnection#write} as far as {@link TcpConnection#writable}
 * allows, and is called again when more can be done. It must not block.
 */
@FunctionalInterface
public interface StreamHandler {
    /**
     * Does what can be done now on {@code c}.
     *
     * @return false when the handler is finished with the connection (its owner then closes it); true to be
     *         called again on the next change
     */
    boolean onReadiness(TcpConnection c);
}
