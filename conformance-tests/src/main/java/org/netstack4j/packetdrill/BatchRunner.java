package org.netstack4j.packetdrill;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Runs scripts and directories of scripts (every {@code *.pkt} below, in path order) in parallel across the
 * cores, prints one result line per script in that order and the summary {@code N passed, M failed, K skipped}.
 */
public final class BatchRunner {
    private final ScriptRunner runner;
    private final int threads;

    /** A batch over {@code runner} using {@code threads} threads (at least 1). */
    public BatchRunner(ScriptRunner runner, int threads) {
        this.runner = runner;
        this.threads = Math.max(1, threads);
    }

    /** The scripts named by {@code args}: files as given, directories searched recursively for {@code *.pkt}. */
    public static List<Path> collect(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path a : args) {
            if (Files.isDirectory(a)) {
                try (Stream<Path> s = Files.walk(a)) {
                    s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".pkt")).sorted()
                            .forEach(out::add);
                }
            } else if (Files.isRegularFile(a)) {
                out.add(a);
            } else {
                throw new IOException("no such script or directory: " + a);
            }
        }
        return out;
    }

    /** Runs every script and returns the results in the order given. */
    public List<ScriptResult> run(List<Path> scripts) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, scripts.size())), r -> {
            Thread t = new Thread(r, "packetdrill");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ScriptResult>> futures = new ArrayList<>();
            for (Path p : scripts) {
                futures.add(pool.submit(() -> runOne(p)));
            }
            List<ScriptResult> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    results.add(new ScriptResult(scripts.get(i).toString(), ScriptResult.Status.FAIL,
                            "runner error: " + e.getCause(), List.of()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private ScriptResult runOne(Path p) {
        try {
            return runner.run(p, p.toString());
        } catch (RuntimeException e) {
            // A runner or stack bug must not take the other scripts down; it is this script's failure.
            return new ScriptResult(p.toString(), ScriptResult.Status.FAIL, "runner error: " + e, List.of());
        }
    }

    /** Prints the result lines (warnings indented below their script) and the summary; returns the summary. */
    public static Summary report(List<ScriptResult> results, PrintWriter out) {
        int pass = 0;
        int fail = 0;
        int skip = 0;
        for (ScriptResult r : results) {
            out.println(r.line());
            for (String w : r.warnings()) {
                out.println("  warning: " + w);
            }
            switch (r.status()) {
                case PASS -> pass++;
                case FAIL -> fail++;
                case SKIP -> skip++;
            }
        }
        Summary s = new Summary(pass, fail, skip);
        out.println(s.line());
        out.flush();
        return s;
    }

    /**
     * The counts of a run.
     *
     * @param passed  scripts that passed
     * @param failed  scripts that failed
     * @param skipped scripts skipped
     */
    public record Summary(int passed, int failed, int skipped) {
        /** {@code N passed, M failed, K skipped}. */
        public String line() {
            return passed + " passed, " + failed + " failed, " + skipped + " skipped";
        }
    }
}
