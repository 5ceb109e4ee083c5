package org.netstack4j.packetdrill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the packetdrill language into a {@link Script}: option lines, init and cleanup commands, and timed
 * events (system calls, packets, python blocks, shell commands). Errors are {@link ScriptSyntaxException}s
 * reading {@code file:line: message}.
 */
public final class ScriptParser {
    private ScriptParser() {
    }

    /** Reads and parses {@code file}, substituting {@code defines} ({@code -D NAME=VALUE}) first. */
    public static Script parse(Path file, Map<String, String> defines) throws IOException, ScriptSyntaxException {
        return parse(file, Files.readString(file, StandardCharsets.UTF_8), defines);
    }

    /** Parses {@code text} as if read from {@code file}. */
    public static Script parse(Path file, String text, Map<String, String> defines) throws ScriptSyntaxException {
        ScriptScanner in = new ScriptScanner(file.toString(), substitute(text, defines));
        Map<String, String> options = new LinkedHashMap<>();
        in.skipSpace();
        while (in.startsWith("--")) {
            int line = in.line();
            String opt = in.restOfLine().strip().substring(2);
            int eq = opt.indexOf('=');
            String name = eq < 0 ? opt : opt.substring(0, eq);
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_-]+")) {
                throw in.error(line, "bad option line '--" + opt + "'");
            }
            options.put(name, eq < 0 ? "" : opt.substring(eq + 1).strip());
            in.skipSpace();
        }
        Action.Shell init = null;
        Action.Shell cleanup = null;
        List<Event> events = new ArrayList<>();
        while (true) {
            in.skipSpace();
            if (in.atEnd()) {
                break;
            }
            int line = in.line();
            if (in.peek() == '`') {
                Action.Shell cmd = shell(in, line);
                if (events.isEmpty() && init == null) {
                    init = cmd;
                } else {
                    if (cleanup != null) {
                        throw in.error(cleanup.line(), "a command without a time may only come first (init) or last (cleanup)");
                    }
                    cleanup = cmd;
                }
                continue;
            }
            if (cleanup != null) {
                throw in.error(cleanup.line(), "a command without a time may only come first (init) or last (cleanup)");
            }
            EventTime time;
            if (in.startsWith("%{")) {
                time = new EventTime(EventTime.Kind.RELATIVE, 0, 0, null); // an untimed python block runs at +0
            } else {
                time = time(in);
            }
            try {
                events.add(new Event(line, time, action(in, line, time)));
            } catch (ScriptSyntaxException e) {
                // Running off the end of the file: the unfinished event is where the reader should look.
                throw in.atEnd() && e.line() > line ? in.error(line, e.detail()) : e;
            }
        }
        return new Script(file, Map.copyOf(options), init, cleanup, List.copyOf(events));
    }

    /** Replaces {@code ${NAME}} and the whole word {@code NAME} by the value of each define. */
    static String substitute(String text, Map<String, String> defines) {
        String out = text;
        for (Map.Entry<String, String> d : defines.entrySet()) {
            String value = Matcher.quoteReplacement(d.getValue());
            out = out.replace("${" + d.getKey() + "}", d.getValue());
            out = out.replaceAll("(?<![A-Za-z0-9_])" + Pattern.quote(d.getKey()) + "(?![A-Za-z0-9_])", value);
        }
        return out;
    }

    private static EventTime time(ScriptScanner in) throws ScriptSyntaxException {
        in.skipSpace();
        if (in.accept("*")) {
            return new EventTime(EventTime.Kind.ANY, 0, 0, null);
        }
        if (!in.startsWith("+") && !in.atDigit()) {
            throw in.error("expected an event time (like 0, +0.1, * or 0~0.2) but found " + in.describeNext());
        }
        boolean relative = in.accept("+");
        long start = in.seconds();
        if (in.accept("~")) {
            boolean relEnd = in.accept("+");
            if (relEnd != relative) {
                throw in.error("a time range must be both relative (+a~+b) or both absolute (a~b)");
            }
            long end = in.seconds();
            if (end < start) {
                throw in.error("time range ends before it starts");
            }
            return new EventTime(relative ? EventTime.Kind.RELATIVE_RANGE : EventTime.Kind.ABSOLUTE_RANGE, start, end, null);
        }
        EventTime.BlockingEnd blocking = null;
        if (in.accept("...")) {
            boolean relEnd = in.accept("+");
            blocking = new EventTime.BlockingEnd(in.seconds(), relEnd);
        }
        return new EventTime(relative ? EventTime.Kind.RELATIVE : EventTime.Kind.ABSOLUTE, start, start, blocking);
    }

    private static Action action(ScriptScanner in, int line, EventTime time) throws ScriptSyntaxException {
        in.skipSpace();
        if (in.peek() == '<' || in.peek() == '>') {
            boolean inbound = in.peek() == '<';
            in.accept(inbound ? "<" : ">");
            if (inbound && (time.kind() == EventTime.Kind.ANY || time.kind() == EventTime.Kind.ABSOLUTE_RANGE
                    || time.kind() == EventTime.Kind.RELATIVE_RANGE)) {
                throw in.error(line, "an inbound packet needs an exact time, not * or a range");
            }
            if (time.blockingEnd() != null) {
                throw in.error(line, "only system calls can block ('...')");
            }
            return PacketParser.packet(in, inbound);
        }
        if (time.blockingEnd() == null && time.kind() != EventTime.Kind.RELATIVE && time.kind() != EventTime.Kind.ABSOLUTE) {
            throw in.error(line, "only outbound packets may have a time of * or a range");
        }
        if (in.startsWith("%{")) {
            in.accept("%{");
            return new Action.Python(in.until("}%", "python block"));
        }
        if (in.peek() == '`') {
            return shell(in, line);
        }
        if (in.atWord()) {
            String name = in.word();
            in.expect("(", "'(' after the system call name '" + name + "'");
            List<Expr> args = ExprParser.arguments(in);
            in.expect("=", "'= result' after " + name + "(...)");
            Expr result = ExprParser.expr(in);
            String errno = null;
            String note = null;
            String w = in.peekWord();
            if (w.matches("E[A-Z0-9]+")) {
                errno = in.word();
            }
            in.skipSpace();
            if (in.peek() == '(') {
                note = balancedParens(in);
            }
            return new Action.Syscall(name, args, result, errno, note);
        }
        throw in.error("expected a packet (< or >), a system call, %{ python }% or `command` but found "
                + in.describeNext());
    }

    private static String balancedParens(ScriptScanner in) throws ScriptSyntaxException {
        int line = in.line();
        in.accept("(");
        StringBuilder b = new StringBuilder();
        int depth = 1;
        while (!in.atEnd()) {
            char c = in.peek();
            if (c == '\n') {
                break;
            }
            in.next();
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return b.toString().strip();
            }
            b.append(c);
        }
        throw in.error(line, "unterminated '(' after the errno");
    }

    private static Action.Shell shell(ScriptScanner in, int line) throws ScriptSyntaxException {
        in.accept("`");
        return new Action.Shell(line, in.until("`", "command (back quote)"));
    }
}
