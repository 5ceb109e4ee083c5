package org.netstack4j.interop;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs kernel-side commands (ip, ping, socat, ss) for the interop tests: every run has a timeout, both output
 * pipes are drained concurrently so a chatty command cannot block, and failures name the command line.
 */
public final class Sh {

    /** Generous limit for set-up commands such as {@code ip link set}. */
    public static final Duration SETUP_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Reads process pipes. Not the common pool: on a 2-core machine it has one thread, which a long-running
     * background command's stderr reader would hold forever, starving every later command.
     */
    private static final ExecutorService PIPES = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("interop-pipe-", 0).daemon(true).factory());

    private Sh() {
    }

    /** What a finished command produced. */
    public record Result(List<String> argv, int exitCode, byte[] stdoutBytes, String stderr) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        /** Command line, exit code and both outputs, for assertion messages. */
        public String describe() {
            return "`" + String.join(" ", argv) + "` exited with " + exitCode + "\n--- stdout:\n" + stdout()
                    + "\n--- stderr:\n" + stderr;
        }
    }

    /** {@code ip netns exec NS command...}: the argv that runs {@code command} inside namespace {@code ns}. */
    public static String[] inNetns(String ns, String... command) {
        String[] argv = new String[command.length + 4];
        argv[0] = "ip";
        argv[1] = "netns";
        argv[2] = "exec";
        argv[3] = ns;
        System.arraycopy(command, 0, argv, 4, command.length);
        return argv;
    }

    /** Runs {@code argv} (stdin from {@code stdin}, or /dev/null when null) and waits up to {@code timeout}. */
    public static Result run(Duration timeout, byte[] stdin, String... argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = start(pb, argv);
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try {
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // The command exited without reading its input; its exit code and stderr will tell why.
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("`" + String.join(" ", argv) + "` did not finish within "
                        + timeout + "; stdout so far: " + new String(out.getNow(new byte[0]), StandardCharsets.UTF_8));
            }
            return new Result(List.of(argv), p.exitValue(), out.join(),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running `" + String.join(" ", argv) + "`", e);
        }
    }

    /** Runs a set-up command that must succeed; returns its stdout. */
    public static String ok(String... argv) {
        Result r = run(SETUP_TIMEOUT, null, argv);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(r.describe());
        }
        return r.stdout();
    }

    /** Whether {@code argv} runs and exits 0. */
    public static boolean succeeds(String... argv) {
        try {
            return run(SETUP_TIMEOUT, null, argv).exitCode() == 0;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Starts {@code argv} in the background with its stdin open for {@link Background#write}. */
    public static Background background(String... argv) {
        return new Background(argv, start(new ProcessBuilder(argv), argv));
    }

    /**
     * Starts {@code argv} in the background reading {@code stdin}: a regular file is read in one piece, so a
     * command such as socat turns it into exactly one datagram (a pipe could split it).
     */
    static Background background(File stdin, String... argv) {
        return new Background(argv, start(new ProcessBuilder(argv).redirectInput(stdin), argv));
    }

    private static Process start(ProcessBuilder pb, String[] argv) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run `" + String.join(" ", argv) + "`: " + e.getMessage(), e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                return ("(unreadable: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
            }
        }, PIPES);
    }

    /**
     * A command left running while the test acts (a listener, a socat whose stdin stays open); {@link #close()}
     * kills it if it is still running.
     */
    public static final class Background implements AutoCloseable {
        private final String[] argv;
        private final Process process;
        private final CompletableFuture<byte[]> stderr;

        private Background(String[] argv, Process process) {
            this.argv = argv;
            this.process = process;
            this.stderr = drain(process.getErrorStream());
        }

        /** Writes {@code data} to the command's stdin and flushes, leaving stdin open. */
        public void write(byte[] data) {
            try {
                OutputStream in = process.getOutputStream();
                in.write(data);
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to `" + String.join(" ", argv) + "`", e);
            }
        }

        /** Closes the command's stdin: it reads end of file. */
        public void closeStdin() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the stdin of `" + String.join(" ", argv) + "`", e);
            }
        }

        /**
         * Blocks until the command has written exactly {@code n} bytes to stdout (or closed it), at most
         * {@code timeout}; returns what arrived. Only one read may be outstanding at a time.
         */
        public byte[] readStdout(int n, Duration timeout) {
            return readStdout(n, timeout, () -> "");
        }

        /** Like {@link #readStdout(int, Duration)}, adding {@code context} to the failure message. */
        public byte[] readStdout(int n, Duration timeout, java.util.function.Supplier<String> context) {
            CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return process.getInputStream().readNBytes(n);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, PIPES);
            try {
                return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("`" + String.join(" ", argv) + "` wrote fewer than " + n
                        + " bytes within " + timeout + "; stderr: " + stderrIfExited() + "\n" + context.get(), e);
            } catch (ExecutionException e) {
                throw new AssertionError("reading the output of `" + String.join(" ", argv) + "` failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** Waits up to {@code timeout} for the command to exit; returns its exit code, or -1 if still running. */
        public int awaitExit(Duration timeout) {
            try {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /** Its stderr; only complete once the command has exited. */
        public String stderrIfExited() {
            return process.isAlive() ? "(still running)" : new String(stderr.join(), StandardCharsets.UTF_8);
        }

        /**
         * Asks the command to finish (SIGTERM), as a capture tool needs in order to drain and write what it still
         * holds, waits up to {@code timeout}, then kills it.
         */
        void stop(Duration timeout) {
            process.destroy();
            awaitExit(timeout);
            close();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return Arrays.toString(argv);
        }
    }
}
