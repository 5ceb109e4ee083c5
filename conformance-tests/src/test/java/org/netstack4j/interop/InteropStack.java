package org.netstack4j.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapRecordingDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.service.StandardServices;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.stats.Counter;
import org.netstack4j.stats.Counters;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * A netstack4j stack on a real device for an interop test: every frame in both directions is written to a
 * capture file, an {@link InboundGate} lets the test hold back what the stack receives, and the stack runs on
 * an {@link EventLoop} with {@link BsdSockets} and all {@link StandardServices} (echo, discard, daytime,
 * chargen, HTTP). {@link #close()} stops the services and the loop (which closes the device) and the capture.
 */
public final class InteropStack implements AutoCloseable {

    private final Cleanup cleanup;
    private final InboundGate gate;
    private final EventLoop loop;
    private final BsdSockets sockets;

    private InteropStack(Cleanup cleanup, InboundGate gate, EventLoop loop, BsdSockets sockets) {
        this.cleanup = cleanup;
        this.gate = gate;
        this.loop = loop;
        this.sockets = sockets;
    }

    /**
     * Starts a stack with {@code mac} and {@code address/prefix} on {@code device}, capturing to {@code capture}
     * (not at all if it is null).
     * The device is closed with the stack, and also if starting fails.
     */
    public static InteropStack start(NetworkDevice device, MacAddress mac, Ipv4Address address, int prefix,
            Path capture) {
        Cleanup cleanup = new Cleanup("the stack on " + device.name());
        cleanup.add(device::close);
        try {
            NetworkDevice recorded = device;
            if (capture != null) { // null: not recorded, for transfers of hundreds of megabytes
                Files.createDirectories(capture.getParent());
                PcapWriter all = new PcapWriter(capture);
                cleanup.add(all::close);
                recorded = new PcapRecordingDevice(device, all, ReceiveRecorder::wallNanos);
            }
            // Outermost, so that the capture shows when the peer sent a frame, not when the gate let it through.
            InboundGate gate = new InboundGate(recorded);
            EventLoop loop = EventLoop.start(StackConfig.builder(mac, address, prefix).build(), gate);
            cleanup.add(loop::close);
            BsdSockets sockets = new BsdSockets(loop);
            StandardServices services = StandardServices.start(sockets, StandardServices.NAMES);
            cleanup.add(services::close);
            return new InteropStack(cleanup, gate, loop, sockets);
        } catch (IOException e) {
            closeAfterFailure(cleanup, e);
            throw new UncheckedIOException("cannot create the capture " + capture, e);
        } catch (RuntimeException | Error e) {
            closeAfterFailure(cleanup, e);
            throw e;
        }
    }

    private static void closeAfterFailure(Cleanup cleanup, Throwable failure) {
        try {
            cleanup.close();
        } catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /** The event loop that owns the stack's state. */
    public EventLoop loop() {
        return loop;
    }

    /** The socket facade. */
    public BsdSockets sockets() {
        return sockets;
    }

    /** Holds back (or releases) the frames the stack receives; passes everything through unless held. */
    public InboundGate gate() {
        return gate;
    }

    /** The stack's counters (live). */
    public Counters counters() {
        return loop.stack().counters();
    }

    /**
     * One counter's value, read on the loop thread: the loop increments some counters after the frames that
     * they describe have left (FragOKs after the last fragment), so a reply can reach the kernel's application
     * before a live read from this thread would see the count. Reading between two loop tasks never does.
     */
    public long counter(Counter c) {
        return onLoop(() -> counters().get(c));
    }

    /** The stack's non-zero counters, for assertion messages (read on the loop thread, as {@link #counter}). */
    public String countersText() {
        return onLoop(() -> counters().format(false));
    }

    private <T> T onLoop(Supplier<T> read) {
        try {
            return loop.call(read);
        } catch (IllegalStateException closed) {
            return read.get(); // the loop has stopped: nothing changes the counters any more
        }
    }

    @Override
    public void close() {
        cleanup.close();
    }
}
