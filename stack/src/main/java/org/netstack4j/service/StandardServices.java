package org.netstack4j.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.netstack4j.socket.BsdSockets;

/**
 * The classic small services a stack offers for testing: echo (RFC 862, port 7), discard (RFC 863, port 9),
 * daytime (RFC 867, port 13) over UDP and TCP, chargen (RFC 864, port 19) over TCP (echo, discard and chargen
 * over TCP, and echo and discard over UDP, run on the stack's own thread, see {@link StreamServer} and
 * {@link UdpService#startOnStack}; daytime reads the wall clock, so it keeps threads of its own), and a small HTTP/1.1
 * server on port 80 whose {@code GET /bytes/N} returns N bytes (see {@link HttpBytesHandler}), and an
 * iperf3-compatible TCP server on port 5201 (see {@link Iperf3Service}).
 */
public final class StandardServices implements AutoCloseable {
    /** Every service name {@link #start} knows. */
    public static final List<String> NAMES = List.of("echo", "discard", "daytime", "chargen", "http", "iperf3");

    private static final DateTimeFormatter DAYTIME =
            DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss'-UTC'", Locale.ENGLISH);
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<UdpService> udp = new ArrayList<>();

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
                switch (n) {
                    case "echo" -> {
                        s.add(UdpService.startOnStack("echo", sockets, 7, data -> data));
                        s.add(StreamServer.start("echo", sockets.driver(), 7, echoHandler()));
                    }
                    case "discard" -> {
                        s.add(UdpService.startOnStack("discard", sockets, 9, data -> null));
                        s.add(StreamServer.start("discard", sockets.driver(), 9, () -> DISCARD));
                    }
                    case "daytime" -> {
                        s.add(UdpService.start("daytime", sockets, 13, data -> daytime()));
                        s.add(TcpService.start("daytime", sockets, 13, c -> c.getOutputStream().write(daytime())));
                    }
                    case "chargen" -> s.add(StreamServer.start("chargen", sockets.driver(), 19, ChargenHandler::new));
                    case "http" -> s.add(TcpService.start("http", sockets, 80, new HttpBytesHandler()));
                    default -> s.add(TcpService.start("iperf3", sockets, Iperf3Service.PORT, new Iperf3Service()));
                }
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
        return s;
    }

    private void add(UdpService service) {
        udp.add(service);
        running.add(service);
    }

    private void add(TcpService service) {
        running.add(service);
    }

    private void add(StreamServer service) {
        running.add(service);
    }

    /** Discard keeps no state, so one handler serves every connection. */
    private static final DiscardHandler DISCARD = new DiscardHandler();

    /** One echo handler (and its scratch array) for all connections of the server. */
    private static java.util.function.Supplier<org.netstack4j.tcp.StreamHandler> echoHandler() {
        EchoHandler shared = new EchoHandler();
        return () -> shared;
    }

    /** The daytime answer: a human-readable UTC date and time (RFC 867 leaves the format open). */
    static byte[] daytime() {
        return (ZonedDateTime.now(ZoneOffset.UTC).format(DAYTIME) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The running UDP services. */
    public List<UdpService> services() {
        return List.copyOf(udp);
    }

    @Override
    public void close() {
        for (AutoCloseable s : running) {
            try {
                s.close();
            } catch (Exception e) {
                // closing is best effort
            }
        }
        running.clear();
    }
}
