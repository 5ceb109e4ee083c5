package org.netstack4j.packetdrill;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs every script under conformance-tests/scripts through the runner. SKIPs are printed with their reason and
 * do not count as passes.
 *
 * <p>The scripts are written for Linux. Where the stack's linux profile still differs, the script carries a
 * comment line {@code // known-deviation: why} and is expected to FAIL — strictly: it is listed as a known
 * deviation in the output (never as a pass), and once it passes this test fails until the line is removed, so
 * the list of deviations stays exact. Every other script must pass.
 */
class ScriptCorpusTest {
    static final Path SCRIPTS = Path.of("scripts");
    private static final Pattern KNOWN_DEVIATION = Pattern.compile("(?m)^\\s*//\\s*known-deviation:\\s*(.+)$");

    @Test
    void everyScriptPassesOrFailsAsAKnownDeviation() throws Exception {
        assertTrue(Files.isDirectory(SCRIPTS), "no scripts directory at " + SCRIPTS.toAbsolutePath());
        List<Path> scripts = BatchRunner.collect(List.of(SCRIPTS));
        assertFalse(scripts.isEmpty(), "no scripts under " + SCRIPTS);
        List<ScriptResult> results = new BatchRunner(new ScriptRunner(RunnerConfig.defaults(), Map.of(), null),
                Runtime.getRuntime().availableProcessors()).run(scripts);
        StringWriter out = new StringWriter();
        BatchRunner.Summary s = BatchRunner.report(results, new PrintWriter(out));
        System.out.print(out);
        StringBuilder problems = new StringBuilder();
        int known = 0;
        for (int i = 0; i < results.size(); i++) {
            ScriptResult r = results.get(i);
            Optional<String> deviation = knownDeviation(scripts.get(i));
            if (deviation.isPresent() && r.status() == ScriptResult.Status.FAIL) {
                known++;
                System.out.println("known deviation (expected FAIL, not a pass): " + scripts.get(i) + ": "
                        + deviation.get());
            } else if (deviation.isPresent() && r.status() == ScriptResult.Status.PASS) {
                problems.append('\n').append(scripts.get(i))
                        .append(" passes now: remove its known-deviation line (").append(deviation.get()).append(')');
            } else if (r.status() == ScriptResult.Status.FAIL) {
                problems.append('\n').append(r.line());
            }
        }
        System.out.println(s.passed() + " passed, " + known + " known deviations, " + s.skipped() + " skipped");
        assertTrue(problems.isEmpty(), "scripts that do not behave as recorded:" + problems);
    }

    private static Optional<String> knownDeviation(Path script) {
        try {
            Matcher m = KNOWN_DEVIATION.matcher(Files.readString(script));
            return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
