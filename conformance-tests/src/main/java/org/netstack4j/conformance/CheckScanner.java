package org.netstack4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds what checks which requirement, from the sources themselves so that the report cannot drift from them:
 * {@code @Checks({"MUST-13", ...})} annotations on test methods or classes (org.netstack4j.testing.Checks), and
 * {@code checks: MUST-13 SHLD-18} in a comment of a packetdrill script ({@code .pkt}).
 */
public final class CheckScanner {
    private static final Pattern ID = Pattern.compile("\\b(?:MUST|SHLD|MAY|REC)-\\d+\\b");
    private static final Pattern ANNOTATION = Pattern.compile("@Checks\\s*\\(([^)]*)\\)");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern TARGET = Pattern.compile("\\bvoid\\s+(\\w+)\\s*\\(|\\b(?:class|record)\\s+(\\w+)");
    private static final Pattern SCRIPT_LINE = Pattern.compile("checks:\\s*(.*)");
    /** Java text blocks: what they hold is data (e.g. a test's fixture source), never an annotation. */
    private static final Pattern TEXT_BLOCK = Pattern.compile("\"\"\"[\\s\\S]*?\"\"\"");

    private CheckScanner() {}

    /** Every {@code @Checks} annotation in the Java files under {@code root}. */
    public static List<Check> scanTests(Path root) {
        List<Check> out = new ArrayList<>();
        for (Path file : files(root, ".java")) {
            String src = TEXT_BLOCK.matcher(read(file)).replaceAll("\"\"");
            Matcher pkg = PACKAGE.matcher(src);
            String prefix = pkg.find() ? pkg.group(1) + "." : "";
            String className = file.getFileName().toString().replace(".java", "");
            Matcher a = ANNOTATION.matcher(src);
            while (a.find()) {
                Matcher t = TARGET.matcher(src);
                if (!t.find(a.end())) {
                    continue;
                }
                String target = t.group(1) != null
                        ? prefix + className + "#" + t.group(1)
                        : prefix + className + "#*";
                for (String id : ids(a.group(1))) {
                    out.add(new Check(id, Check.Kind.TEST, target));
                }
            }
        }
        return out;
    }

    /** Every {@code checks:} comment in the packetdrill scripts under {@code root}. */
    public static List<Check> scanScripts(Path root) {
        List<Check> out = new ArrayList<>();
        for (Path file : files(root, ".pkt")) {
            String rel = root.relativize(file).toString();
            for (String line : read(file).split("\n")) {
                String trimmed = line.strip();
                if (!(trimmed.startsWith("//") || trimmed.startsWith("/*") || trimmed.startsWith("*"))) {
                    continue;
                }
                Matcher m = SCRIPT_LINE.matcher(trimmed);
                if (m.find()) {
                    for (String id : ids(m.group(1))) {
                        out.add(new Check(id, Check.Kind.SCRIPT, rel));
                    }
                }
            }
        }
        return out;
    }

    private static List<String> ids(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(text);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    private static List<Path> files(Path root, String suffix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
