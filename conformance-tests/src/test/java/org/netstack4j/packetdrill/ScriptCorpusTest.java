package org.netstack4j.packetdrill;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every script under conformance-tests/scripts through the runner. Fails listing each FAIL; SKIPs are
 * printed with their reason and do not count as passes.
 */
class ScriptCorpusTest {
    static final Path SCRIPTS = Path.of("scripts");

    @Test
    void everyScriptPasses() throws Exception {
        assertTrue(Files.isDirectory(SCRIPTS), "no scripts directory at " + SCRIPTS.toAbsolutePath());
        List<Path> scripts = BatchRunner.collect(List.of(SCRIPTS));
        assertFalse(scripts.isEmpty(), "no scripts under " + SCRIPTS);
        List<ScriptResult> results = new BatchRunner(new ScriptRunner(RunnerConfig.defaults(), Map.of(), null),
                Runtime.getRuntime().availableProcessors()).run(scripts);
        StringWriter out = new StringWriter();
        BatchRunner.Summary s = BatchRunner.report(results, new PrintWriter(out));
        System.out.print(out);
        StringBuilder failures = new StringBuilder();
        for (ScriptResult r : results) {
            if (r.status() == ScriptResult.Status.FAIL) {
                failures.append('\n').append(r.line());
            }
        }
        assertTrue(failures.isEmpty(), s.failed() + " script(s) failed:" + failures);
    }
}
