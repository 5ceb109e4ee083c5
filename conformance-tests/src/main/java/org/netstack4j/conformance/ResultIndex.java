package org.netstack4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The outcomes of the last runs: JUnit results from surefire's XML reports ({@code TEST-*.xml}) and script
 * results from the packetdrill runner's output ({@code PASS path}, {@code FAIL path ...}, {@code SKIP path ...}).
 */
public final class ResultIndex {
    /** "class#method" and "class#*" to outcome. */
    private final Map<String, Outcome> tests = new HashMap<>();
    /** Script path as printed by the runner to outcome. */
    private final Map<String, Outcome> scripts = new HashMap<>();

    /** Reads every surefire report directory under {@code root} (any depth, e.g. module/target/surefire-reports). */
    public void readSurefireReports(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")
                            && f.getParent().getFileName().toString().equals("surefire-reports"))
                    .toList()) {
                readSurefireReport(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private void readSurefireReport(Path file) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        NodeList cases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            String cls = c.getAttribute("classname");
            String name = c.getAttribute("name").replaceAll("[(\\[].*$", "");
            Outcome o = c.getElementsByTagName("failure").getLength() > 0
                            || c.getElementsByTagName("error").getLength() > 0
                    ? Outcome.FAIL
                    : c.getElementsByTagName("skipped").getLength() > 0 ? Outcome.SKIP : Outcome.PASS;
            tests.merge(cls + "#" + name, o, Outcome::worse);
            tests.merge(cls + "#*", o, Outcome::worse);
        }
    }

    /** Reads the runner's result lines; other lines (details, the summary) are ignored. */
    public void readScriptResults(Path file) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String[] w = line.split("\\s+", 3);
                if (w.length >= 2 && (w[0].equals("PASS") || w[0].equals("FAIL") || w[0].equals("SKIP"))) {
                    scripts.merge(normalise(w[1]), Outcome.valueOf(w[0]), Outcome::worse);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The outcome of one check, {@link Outcome#NOT_RUN} when no run reported it. */
    public Outcome outcome(Check check) {
        if (check.kind() == Check.Kind.TEST) {
            return tests.getOrDefault(check.target(), Outcome.NOT_RUN);
        }
        String wanted = normalise(check.target());
        for (Map.Entry<String, Outcome> e : scripts.entrySet()) {
            if (e.getKey().equals(wanted) || e.getKey().endsWith("/" + wanted)) {
                return e.getValue();
            }
        }
        return Outcome.NOT_RUN;
    }

    private static String normalise(String path) {
        // The runner writes "FAIL path: detail" and "SKIP path: reason".
        return path.replace('\\', '/').replaceFirst("^\\./", "").replaceFirst(":$", "");
    }
}
