package org.netstack4j.interop;

import org.netstack4j.socket.BsdSockets;
import org.netstack4j.stack.EventLoop;

/**
 * The netstack4j side of an interop test, whatever the kernel peer is (a namespace or a container): what the
 * helpers in {@link TcpInterop} and {@link UdpInterop} need to drive and inspect the stack.
 */
public interface StackEnd {

    /** The stack under test. */
    InteropStack stack();

    /** Everything worth printing when an assertion fails: both sides' sockets, the stack's counters. */
    String context();

    /** The event loop that owns the stack's state. */
    default EventLoop loop() {
        return stack().loop();
    }

    /** The socket facade of the stack. */
    default BsdSockets sockets() {
        return stack().sockets();
    }
}
