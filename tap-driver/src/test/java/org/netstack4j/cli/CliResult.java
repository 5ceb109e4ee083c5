package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What one in-process run of {@link Main#execute} did: exit code, stdout and stderr. */
record CliResult(int exitCode, String out, String err) {

    /** Runs the command line in this JVM. */
    static CliResult execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(o, e, args);
        }
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    /** Everything printed, for assertion messages. */
    String describe() {
        return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }

    /** Exit 2, exactly one stderr line starting with {@code netstack4j: }, and no stack trace anywhere. */
    void assertOneLineError() {
        assertEquals(ExitCodes.ERROR, exitCode, describe());
        assertEquals(1, errLines().size(), describe());
        assertTrue(err.startsWith("netstack4j: "), describe());
        assertNoStackTrace();
    }

    void assertNoStackTrace() {
        String all = out + err;
        assertFalse(all.contains("Exception"), describe());
        assertFalse(all.contains("at org."), describe());
        assertFalse(all.contains("at java."), describe());
    }
}
