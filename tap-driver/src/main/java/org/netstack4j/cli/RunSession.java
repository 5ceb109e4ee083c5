package org.netstack4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.netstack4j.device.DeviceException;
import org.netstack4j.device.TapDevice;
import org.netstack4j.link.NetworkDevice;
import org.netstack4j.link.PcapRecordingDevice;
import org.netstack4j.link.PcapWriter;
import org.netstack4j.service.StandardServices;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.ErrnoException;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.time.Clock;

/**
 * Everything {@code netstack4j run} creates, in order, and its removal in reverse order: the namespace (only
 * if it did not exist), the TAP, the capture, the event loop and the services. {@link #close()} removes only
 * what this session created, and never throws: a failure to remove one thing is reported and the rest still
 * removed.
 */
public final class RunSession implements AutoCloseable {
    private final PrintWriter out;
    private final PrintWriter err;
    private String createdNamespace;
    private TapDevice tap;
    private PcapWriter capture;
    private Path captureFile;
    private EventLoop loop;
    private java.io.BufferedWriter traceWriter;
    private Path traceFile;
    private StandardServices services;
    private boolean closed;

    /** A session that reports to {@code out} (progress) and {@code err} (problems while cleaning up). */
    public RunSession(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** Opens the capture file first, so that a bad path fails before anything else is created. */
    public void openCapture(Path file) {
        captureFile = file.toAbsolutePath();
        try {
            capture = new PcapWriter(captureFile);
        } catch (IOException e) {
            throw new CliException("cannot write the capture " + captureFile + ": " + e.getMessage(), e);
        }
    }

    /** Creates the namespace, remembering to delete it at the end. */
    public void createNamespace(String name) {
        Namespaces.create(name);
        createdNamespace = name;
    }

    /** Creates the TAP (with offloads if asked and supported); it disappears when its fd is closed. */
    public TapDevice openTap(String name, int mtu, TapDevice.Offload offload) {
        try {
            tap = TapDevice.open(name, mtu, offload);
        } catch (DeviceException e) {
            throw new CliException("cannot create the TAP device " + name + ": " + e.getMessage(), e);
        }
        return tap;
    }

    /** Opens {@code file} for the TCP trace (JSON lines); the stack writes to it once started. */
    public void openTrace(Path file) {
        try {
            traceWriter = java.nio.file.Files.newBufferedWriter(file);
            traceFile = file;
        } catch (IOException e) {
            throw new CliException("cannot write the trace file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Starts the stack on the TAP (recorded to the capture, if any), then the services. */
    public EventLoop start(StackConfig config, List<String> serviceNames) {
        NetworkDevice device = tap;
        if (capture != null) {
            device = new PcapRecordingDevice(tap, capture, wallClock());
        }
        loop = EventLoop.start(config, device);
        if (traceWriter != null) {
            java.io.BufferedWriter w = traceWriter;
            loop.call(() -> {
                loop.stack().tcp().addTraceListener(e -> {
                    try {
                        w.write(e.toJson());
                        w.newLine();
                    } catch (IOException ex) {
                        // A full disk must not stop the stack; the trace just ends early.
                    }
                });
                return null;
            });
        }
        try {
            services = StandardServices.start(new BsdSockets(loop), serviceNames);
        } catch (ErrnoException | IllegalArgumentException e) {
            throw new CliException("cannot start the services " + serviceNames + ": " + e.getMessage(), e);
        }
        return loop;
    }

    /** A clock in nanoseconds since the epoch, so that capture timestamps are real dates and times. */
    private static Clock wallClock() {
        long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        return () -> offset + System.nanoTime();
    }

    /** A seed for ports and identifiers that differs between runs. */
    static long randomSeed() {
        return ThreadLocalRandom.current().nextLong();
    }

    /** Removes what this session created, once; later calls do nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (services != null) {
            attempt("stop the services", services::close);
        }
        if (loop != null) {
            attempt("list the sockets", () -> {
                String table = loop.call(() -> org.netstack4j.stack.SocketTable.of(loop.stack()).format());
                out.println("sockets at shutdown:");
                for (String line : table.split("\n")) {
                    out.println("  " + line);
                }
            });
            attempt("stop the stack", loop::close);
            out.println("counters:");
            for (String line : loop.stack().counters().format(false).split("\n")) {
                out.println("  " + line);
            }
        } else if (tap != null) {
            attempt("close the TAP", tap::close);
        }
        if (traceWriter != null) {
            attempt("finish the trace", () -> {
                try {
                    traceWriter.close();
                } catch (IOException e) {
                    throw new CliException(e.getMessage(), e);
                }
            });
            out.println("trace: " + traceFile + " (JSON lines, one per TCP transition or retransmission)");
        }
        if (tap != null) {
            out.println("closed " + tap.name() + " (" + tap.counters() + "); the kernel deleted it with its fd");
        }
        if (capture != null) {
            long frames = capture.frames();
            attempt("finish the capture", () -> {
                try {
                    capture.close();
                } catch (IOException e) {
                    throw new CliException(e.getMessage(), e);
                }
            });
            out.println("capture: " + captureFile + " (" + frames + " frames); open it with: wireshark " + captureFile);
        }
        if (createdNamespace != null) {
            attempt("delete namespace " + createdNamespace, () -> Namespaces.delete(createdNamespace));
            out.println("deleted namespace " + createdNamespace + " (created by this run)");
        }
        out.flush();
    }

    private void attempt(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            err.println(ErrorReporter.PREFIX + "could not " + what + ": " + ErrorReporter.oneLine(e.getMessage()));
            err.flush();
        }
    }
}
