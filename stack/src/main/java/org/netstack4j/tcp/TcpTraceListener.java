package org.netstack4j.tcp;

/** Receives every {@link TcpTraceEvent}; runs on the stack's thread, so it must be quick. */
@FunctionalInterface
public interface TcpTraceListener {
    /** Called once per transition or retransmission. */
    void onEvent(TcpTraceEvent event);
}
