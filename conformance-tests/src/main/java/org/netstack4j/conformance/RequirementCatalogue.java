package org.netstack4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the requirement catalogue: a tab-separated file with one requirement per line ({@code id, level,
 * section, text}); lines starting with {@code #} are comments.
 */
public final class RequirementCatalogue {
    private RequirementCatalogue() {}

    /** The requirements in file order; a malformed line is an error naming the file and line. */
    public static List<Requirement> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Requirement> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t");
            if (cols.length != 4) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 4 tab-separated columns, got "
                        + cols.length);
            }
            out.add(new Requirement(cols[0].trim(), cols[1].trim(), cols[2].trim(), cols[3].trim()));
        }
        return out;
    }
}
