package org.netstack4j.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * daytime (RFC 867, port 13) over UDP and TCP, chargen (RFC 864, port 19) over TCP, and a small HTTP/1.1
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
    private final List<TcpService> tcp = new ArrayList<>();

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
                        s.add(UdpService.start("echo", sockets, 7, data -> data));
                        s.add(TcpService.start("echo", sockets, 7, StandardServices::echo));
                    }
                    case "discard" -> {
                        s.add(UdpService.start("discard", sockets, 9, data -> null));
                        s.add(TcpService.start("discard", sockets, 9, StandardServices::discard));
                    }
                    case "daytime" -> {
                        s.add(UdpService.start("daytime", sockets, 13, data -> daytime()));
                        s.add(TcpService.start("daytime", sockets, 13, c -> c.getOutputStream().write(daytime())));
                    }
                    case "chargen" -> s.add(TcpService.start("chargen", sockets, 19, StandardServices::chargen));
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
        tcp.add(service);
        running.add(service);
    }

    private static void echo(org.netstack4j.adapter.StackSocket c) throws IOException {
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }

    /**
     * Where every discard connection reads into. What lands here is never looked at (RFC 863), so all
     * connections may share it, racing writes and all: an idle connection then holds no 16 KiB buffer of its own.
     */
    private static final byte[] DISCARDED = new byte[16384];

    private static void discard(org.netstack4j.adapter.StackSocket c) throws IOException {
        InputStream in = c.getInputStream();
        while (in.read(DISCARDED) > 0) {
            // RFC 863: throw it away
        }
    }

    /** RFC 864: lines of 72 printable characters, each starting one character later, until the client leaves. */
    private static void chargen(org.netstack4j.adapter.StackSocket c) throws IOException {
        OutputStream out = c.getOutputStream();
        byte[] ring = new byte[95];
        for (int i = 0; i < 95; i++) {
            ring[i] = (byte) (32 + i);
        }
        byte[] block = new byte[95 * 74];
        for (int line = 0; line < 95; line++) {
            for (int i = 0; i < 72; i++) {
                block[line * 74 + i] = ring[(line + i) % 95];
            }
            block[line * 74 + 72] = '\r';
            block[line * 74 + 73] = '\n';
        }
        while (true) {
            out.write(block);
        }
    }

    /** The daytime answer: a human-readable UTC date and time (RFC 867 leaves the format open). */
    static byte[] daytime() {
        return (ZonedDateTime.now(ZoneOffset.UTC).format(DAYTIME) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The running UDP services. */
    public List<UdpService> services() {
        return List.copyOf(udp);
    }

    /** The running TCP services. */
    public List<TcpService> tcpServices() {
        return List.copyOf(tcp);
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
