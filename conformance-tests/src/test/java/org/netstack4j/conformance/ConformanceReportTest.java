package org.netstack4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report joins catalogue, annotations, script comments and results; every outcome shows as it happened. */
class ConformanceReportTest {
    @TempDir
    Path root;

    private void write(String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void project() throws IOException {
        write("conformance-tests/requirements/rfc9293.tsv", """
                # comment
                MUST-10\tMUST\t3.5\tSimultaneous open
                MUST-13\tMUST\t3.6.1\tTIME-WAIT for 2*MSL
                MUST-18\tMUST\t3.8.1\tKarn
                SHLD-7\tSHOULD\t3.7.4\tNagle
                MUST-30\tMUST\t3.8.5\tUrgent pointer
                """);
        write("stack/src/test/java/org/example/TimersTest.java", """
                package org.example;
                class TimersTest {
                    @Test
                    @Checks({"MUST-13", "SHLD-7"})
                    void timeWait() {}
                    @Checks("MUST-18")
                    @Test
                    void karn() {}
                }
                """);
        write("conformance-tests/scripts/handshake/simultaneous.pkt", """
                // RFC 9293 3.5: simultaneous open
                // checks: MUST-10
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                """);
        write("stack/target/surefire-reports/TEST-org.example.TimersTest.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="org.example.TimersTest">
                  <testcase name="timeWait" classname="org.example.TimersTest" time="0.1"/>
                  <testcase name="karn" classname="org.example.TimersTest" time="0.1"><failure message="x"/></testcase>
                </testsuite>
                """);
    }

    private static String row(String md, String id) {
        return md.lines().filter(l -> l.startsWith("| " + id + " ")).findFirst().orElseThrow();
    }

    @Test
    void joinsChecksWithTheirOutcomes() throws IOException {
        project();
        Path results = root.resolve("scripts.txt");
        Files.writeString(results, "PASS conformance-tests/scripts/handshake/simultaneous.pkt\n1 passed, 0 failed, 0 skipped\n");
        String md = ConformanceReport.render(root, results);

        assertTrue(row(md, "MUST-10").contains("`handshake/simultaneous.pkt`"), md);
        assertTrue(row(md, "MUST-10").endsWith("| pass |"), md);
        assertTrue(row(md, "MUST-13").contains("`TimersTest#timeWait`"), md);
        assertTrue(row(md, "MUST-13").endsWith("| pass |"), md);
        assertTrue(row(md, "MUST-18").endsWith("| **FAIL** |"), md);
        assertTrue(row(md, "SHLD-7").endsWith("| pass |"), md);
        assertTrue(row(md, "MUST-30").endsWith("| no check |"), md);
        assertTrue(md.contains("- MUST: 4 requirements, 3 checked, 2 passing, 1 failing"), md);
        assertTrue(md.contains("- SHOULD: 1 requirements, 1 checked, 1 passing, 0 failing"), md);
    }

    @Test
    void aScriptThatDidNotRunIsNotAPass() throws IOException {
        project();
        String md = ConformanceReport.render(root, root.resolve("absent.txt"));
        assertTrue(row(md, "MUST-10").endsWith("| not run |"), md);
        Files.writeString(root.resolve("skip.txt"), "SKIP conformance-tests/scripts/handshake/simultaneous.pkt: line 1: needs x\n");
        md = ConformanceReport.render(root, root.resolve("skip.txt"));
        assertTrue(row(md, "MUST-10").endsWith("| skipped |"), md);
        // The packetdrill runner's own lines: a colon ends the path.
        Files.writeString(root.resolve("fail.txt"),
                "FAIL conformance-tests/scripts/handshake/simultaneous.pkt: line 3 at t=0.000000: expected ...\n");
        md = ConformanceReport.render(root, root.resolve("fail.txt"));
        assertTrue(row(md, "MUST-10").endsWith("| **FAIL** |"), md);
    }

    @Test
    void anIdOutsideTheCatalogueIsAnError() throws IOException {
        project();
        write("conformance-tests/scripts/x.pkt", "// checks: MUST-99\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConformanceReport.render(root, root.resolve("absent.txt")));
        assertTrue(e.getMessage().contains("MUST-99 (x.pkt)"), e.getMessage());
    }

    @Test
    void theProjectCatalogueParsesAndCitesOnlyKnownIds() {
        Path project = Path.of("").toAbsolutePath().getParent();
        List<Requirement> reqs = RequirementCatalogue.read(project.resolve("conformance-tests/requirements/rfc9293.tsv"));
        assertEquals(69, reqs.stream().filter(r -> r.level().equals("MUST")).count());
        // Rendering the real project must not throw: every @Checks and checks: id is in the catalogue.
        String md = ConformanceReport.render(project, project.resolve("conformance-tests/target/no-such-file"));
        assertTrue(md.contains("| MUST-13 |"), md);
        // The fixtures in this class's text blocks are data, not claims.
        assertTrue(!md.contains("ConformanceReportTest#"), md);
    }
}
