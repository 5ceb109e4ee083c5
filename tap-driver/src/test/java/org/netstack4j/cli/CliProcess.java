package org.netstack4j.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code netstack4j} command in a JVM of its own, started like the launcher does, so that a test can send
 * it SIGTERM and see its real exit code. Its output is read line by line as it comes.
 */
final class CliProcess implements AutoCloseable {
    private static final String END = "\u0000end";
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private CliProcess(Process process) {
        this.process = process;
        this.outReader = Thread.ofPlatform().daemon().start(() -> pump(process.getInputStream(), out, true));
        this.errReader = Thread.ofPlatform().daemon().start(() -> pump(process.getErrorStream(), err, false));
    }

    /** The test JVM's own class path: target/classes, target/test-classes and every dependency jar. */
    static List<String> testClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(cp.split(File.pathSeparator));
    }

    /** The java launcher of the running JVM (Java 25). */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code prefix... java ... org.netstack4j.cli.Main args...} in {@code workDir}.
     *
     * @param prefix a command to run java under, e.g. setpriv; may be empty
     */
    static CliProcess start(List<String> prefix, String classPath, Path workDir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", classPath, "org.netstack4j.cli.Main"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        return new CliProcess(pb.start());
    }

    private void pump(InputStream in, StringBuffer sink, boolean queue) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                sink.append(line).append('\n');
                if (queue) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            sink.append("(read failed: ").append(e.getMessage()).append(")\n");
        } finally {
            if (queue) {
                lines.add(END);
            }
        }
    }

    /** Waits for a stdout line starting with {@code prefix}; false if the output ended or the time ran out. */
    boolean awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END)) {
                return false;
            }
            if (line.startsWith(prefix)) {
                return true;
            }
        }
    }

    /**
     * Sends SIGTERM. Through the process handle: {@link Process#destroy()} would also close our ends of the
     * pipes, and the output printed while shutting down (the counters) would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the exit and for all output; returns the exit code, or -1 if it did not exit in time. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        outReader.join(timeout.toMillis());
        errReader.join(timeout.toMillis());
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    String describe() {
        return "--- stdout:\n" + out + "--- stderr:\n" + err;
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
