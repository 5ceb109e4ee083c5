package org.netstack4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.netstack4j.adapter.StackServerSocket;
import org.netstack4j.adapter.StackSocket;
import org.netstack4j.device.TapDevice;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.SockAddrIn;
import org.netstack4j.stack.EventLoop;
import org.netstack4j.wire.Ipv4Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netstack4j nc}: a netcat over the stack. It sets up the same link as {@code run} (TAP, kernel side,
 * optional namespace), then connects to HOST PORT — or with {@code --listen} accepts one connection on PORT —
 * and copies standard input to the connection and the connection to standard output. At end of input it
 * half-closes (FIN) and keeps printing until the peer closes too. Status lines go to standard error, so the
 * output is exactly the bytes received.
 */
@Command(name = "nc", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"A netcat over the stack: stdin to a TCP connection, the connection to stdout.",
                "Example: netstack4j nc --tap ns4j1 --address 10.77.1.2/24 --peer-address 10.77.1.1/24 10.77.1.1 8080"})
public final class NcCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private LinkOptions link;

    @Option(names = {"-l", "--listen"}, description = "Accept one connection on PORT instead of connecting.")
    private boolean listen;

    @Parameters(arity = "1..2", paramLabel = "[HOST] PORT",
            description = "Where to connect (HOST PORT), or with --listen just the PORT to listen on.")
    private List<String> target;

    @Override
    public Integer call() throws Exception {
        link.checkFlags();
        PrintWriter err = spec.commandLine().getErr();
        Ipv4Address host;
        int port;
        if (listen) {
            if (target.size() != 1) {
                throw new CliException("with --listen give only the PORT to listen on");
            }
            host = Ipv4Address.ANY;
            port = port(target.getFirst());
        } else {
            if (target.size() != 2) {
                throw new CliException("give HOST and PORT to connect to (or --listen PORT)");
            }
            host = address(target.get(0));
            port = port(target.get(1));
        }
        Optional<String> cannot = TapDevice.probe();
        if (cannot.isPresent()) {
            throw new CliException("cannot create a TAP device (" + cannot.get() + ")");
        }
        KernelSide kernel = KernelSide.of(link.netns());
        link.checkClashes(kernel);
        try (RunSession session = new RunSession(new PrintWriter(System.err, true), err)) {
            link.open(session, kernel);
            EventLoop loop = session.start(link.config(), List.of());
            BsdSockets sockets = new BsdSockets(loop);
            StackSocket socket;
            if (listen) {
                try (StackServerSocket server = StackServerSocket.bind(sockets, port, 1)) {
                    err.println("listening on " + link.address().address() + ":" + port);
                    err.flush();
                    socket = server.accept();
                }
            } else {
                try {
                    socket = StackSocket.connect(sockets, new SockAddrIn(host, port));
                } catch (IOException e) {
                    throw new CliException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
                }
            }
            err.println("connected: " + socket.peer());
            err.flush();
            copy(socket);
            socket.close();
        }
        return ExitCodes.OK;
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new CliException("'" + text + "' is not a port number 1..65535");
    }

    private static Ipv4Address address(String text) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException("'" + text + "' is not an IPv4 address (names are not resolved)");
        }
    }

    /** Standard input to the socket on a virtual thread, the socket to standard output here. */
    private static void copy(StackSocket socket) throws InterruptedException {
        Thread up = Thread.ofVirtual().start(() -> {
            try (InputStream in = System.in) {
                OutputStream out = socket.getOutputStream();
                byte[] buf = new byte[16384];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
                socket.shutdownOutput();
            } catch (IOException e) {
                // the connection ended; the reader below reports it
            }
        });
        try {
            socket.getInputStream().transferTo(System.out);
        } catch (IOException e) {
            System.err.println(ErrorReporter.PREFIX + "connection ended: " + ErrorReporter.oneLine(e.getMessage()));
        }
        System.out.flush();
        up.join(1000);
    }
}
