package org.netstack4j.service;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.netstack4j.socket.BsdSockets;

/**
 * The classic small services a stack offers for testing: echo (RFC 862, port 7), discard (RFC 863, port 9)
 * and daytime (RFC 867, port 13), over UDP for now.
 */
public final class StandardServices implements AutoCloseable {
    /** Every service name {@link #start} knows. */
    public static final List<String> NAMES = List.of("echo", "discard", "daytime");

    private static final DateTimeFormatter DAYTIME =
            DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss'-UTC'", Locale.ROOT);
    private final List<UdpService> running = new ArrayList<>();

    private StandardServices() {
    }

    /**
     * Starts the named services on {@code sockets}. Unknown names throw IllegalArgumentException listing the
     * known ones; if a port cannot be bound, the ones already started are closed and the error propagates.
     */
    public static StandardServices start(BsdSockets sockets, List<String> names) {
        for (String n : names) {
            if (!NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown service '" + n + "'; known: " + String.join(", ", NAMES));
            }
        }
        StandardServices s = new StandardServices();
        try {
            for (String n : names) {
                s.running.add(switch (n) {
                    case "echo" -> UdpService.start("echo", sockets, 7, data -> data);
                    case "discard" -> UdpService.start("discard", sockets, 9, data -> null);
                    default -> UdpService.start("daytime", sockets, 13, data -> daytime());
                });
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The daytime answer: a human-readable UTC date and time (RFC 867 leaves the format open). */
    static byte[] daytime() {
        return (ZonedDateTime.now(ZoneOffset.UTC).format(DAYTIME) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The running services. */
    public List<UdpService> services() {
        return List.copyOf(running);
    }

    @Override
    public void close() {
        for (UdpService s : running) {
            s.close();
        }
        running.clear();
    }
}
