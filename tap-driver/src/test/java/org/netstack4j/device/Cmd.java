package org.netstack4j.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a system command (ip, sysctl) for test set-up, failing loudly with the command's stderr. */
final class Cmd {

    private static final long TIMEOUT_SECONDS = 20;

    private Cmd() {
    }

    /** Runs {@code argv}; returns its stdout, or throws with the command line, exit code and stderr. */
    static String run(String... argv) {
        Result result = execute(argv);
        if (result.exitCode != 0) {
            throw new IllegalStateException("`" + String.join(" ", argv) + "` exited with " + result.exitCode
                    + ": " + result.stderr.strip());
        }
        return result.stdout;
    }

    /** Whether {@code argv} runs and exits 0; for probes such as "does this link still exist". */
    static boolean succeeds(String... argv) {
        try {
            return execute(argv).exitCode == 0;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result execute(String... argv) {
        Process process;
        try {
            process = new ProcessBuilder(List.of(argv)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run `" + String.join(" ", argv) + "`: " + e.getMessage(), e);
        }
        // Both pipes are drained at once so a chatty command cannot block on a full pipe.
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("`" + String.join(" ", argv) + "` did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running `" + String.join(" ", argv) + "`", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        });
    }
}
