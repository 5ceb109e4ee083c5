package org.netstack4j.packetdrill;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the {@code %{ }%} blocks of a script at its end: each block runs in python3 with the TCP_INFO
 * snapshot taken at its moment bound to {@code tcpi_*} names. Without python3 on the PATH the script is
 * skipped, saying so.
 */
final class PythonAssertions {
    /** One block with the snapshot taken when the script reached it. */
    record Block(int line, String code, Map<String, Long> info) {
    }

    private static final Pattern TCPI = Pattern.compile("\\btcpi_[a-z0-9_]+\\b");
    private final List<Block> blocks = new ArrayList<>();

    void add(int line, String code, Map<String, Long> info) {
        blocks.add(new Block(line, code, info));
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** The first TCP_INFO field a block uses that the snapshot lacks, as a skip reason; or null. */
    String missingField() {
        for (Block b : blocks) {
            Set<String> used = new LinkedHashSet<>();
            Matcher m = TCPI.matcher(b.code());
            while (m.find()) {
                used.add(m.group());
            }
            for (String u : used) {
                if (!b.info().containsKey(u)) {
                    return "line " + b.line() + ": %{ }% uses " + u + ", which the stack's TCP_INFO view does not have";
                }
            }
        }
        return null;
    }

    /** The python3 executable on the PATH, or null. */
    static Path python3() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "python3");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Runs every block; returns null when all hold, else {@code line N: message} of the first that fails.
     *
     * @throws ScriptSkip if python3 is missing or cannot run
     */
    String evaluate() throws ScriptSkip {
        Path py = python3();
        if (py == null) {
            throw new ScriptSkip("%{ }% blocks need python3, which is not on the PATH");
        }
        StringBuilder prog = new StringBuilder("import sys, textwrap\n");
        prog.append("def run(line, env, code):\n")
                .append("    try:\n")
                .append("        exec(compile(textwrap.dedent(code), 'line %d' % line, 'exec'), env)\n")
                .append("    except AssertionError as e:\n")
                .append("        print('FAIL %d assertion failed: %s' % (line, str(e) or 'assert'))\n")
                .append("        sys.exit(0)\n")
                .append("    except Exception as e:\n")
                .append("        print('FAIL %d %s: %s' % (line, type(e).__name__, e))\n")
                .append("        sys.exit(0)\n");
        for (Block b : blocks) {
            StringBuilder env = new StringBuilder("{");
            b.info().forEach((k, v) -> env.append('\'').append(k).append("': ").append(v).append(", "));
            env.append('}');
            prog.append("run(").append(b.line()).append(", ").append(env).append(", ")
                    .append(pyString(b.code())).append(")\n");
        }
        prog.append("print('OK')\n");
        try {
            Process p = new ProcessBuilder(py.toString(), "-").redirectErrorStream(true).start();
            p.getOutputStream().write(prog.toString().getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ScriptSkip("python3 did not finish evaluating the %{ }% blocks");
            }
            if (out.endsWith("OK")) {
                return null;
            }
            if (out.startsWith("FAIL ")) {
                String rest = out.substring(5);
                int sp = rest.indexOf(' ');
                return "line " + rest.substring(0, sp) + ": %{ }% " + rest.substring(sp + 1).replace('\n', ' ');
            }
            throw new ScriptSkip("python3 could not evaluate the %{ }% blocks: " + out.replace('\n', ' '));
        } catch (IOException e) {
            throw new ScriptSkip("python3 could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScriptSkip("interrupted while evaluating %{ }% blocks");
        }
    }

    private static String pyString(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }
}
