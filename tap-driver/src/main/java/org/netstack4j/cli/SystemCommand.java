package org.netstack4j.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short system command such as {@code ip link set ...} and returns its output. A failure becomes a
 * {@link CliException} naming the command and the first line of what it printed on stderr.
 */
public final class SystemCommand {
    private static final long TIMEOUT_SECONDS = 20;

    private SystemCommand() {
    }

    /** What a finished command did. */
    record Result(int exitCode, String stdout, String stderr) {
        /** The first non-blank line of stderr, or a note that there was none. */
        String firstErrorLine() {
            return stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("(no message)");
        }
    }

    /** Runs {@code argv}; returns its stdout, or throws a {@link CliException} if it fails. */
    public static String run(String... argv) {
        Result r = execute(argv);
        if (r.exitCode() != 0) {
            throw new CliException("`" + String.join(" ", argv) + "` failed: " + r.firstErrorLine());
        }
        return r.stdout();
    }

    /** Whether {@code argv} runs and exits 0. */
    public static boolean succeeds(String... argv) {
        return execute(argv).exitCode() == 0;
    }

    static Result execute(String... argv) {
        Process p;
        try {
            p = new ProcessBuilder(List.of(argv)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new CliException("cannot run " + argv[0] + " (is it installed? " + argv[0]
                    + " comes with iproute2): " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliException("`" + String.join(" ", argv) + "` did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while running `" + String.join(" ", argv) + "`", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, r -> Thread.ofVirtual().start(r));
    }
}
