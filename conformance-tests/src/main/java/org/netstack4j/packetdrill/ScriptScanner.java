package org.netstack4j.packetdrill;

/**
 * Character-level reading of a script for the parsers: skips blanks and comments ({@code //}, {@code /* * /}),
 * tracks the line number, and reads words, numbers and literal punctuation.
 */
final class ScriptScanner {
    private final String file;
    private final String text;
    private int pos;
    private int line = 1;

    ScriptScanner(String file, String text) {
        this.file = file;
        this.text = text;
    }

    String file() {
        return file;
    }

    /** Skips blanks, newlines and comments. */
    void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                int stop = end < 0 ? text.length() : end + 2;
                advanceRaw(stop);
            } else {
                return;
            }
        }
    }

    /** Skips blanks but not newlines (for line-oriented parts such as option lines). */
    void skipBlanksOnLine() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
            pos++;
        }
    }

    private void advanceRaw(int to) {
        for (int i = pos; i < to; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        pos = to;
    }

    /** Consumes one character as it is (no skipping). */
    char next() {
        char c = text.charAt(pos);
        advanceRaw(pos + 1);
        return c;
    }

    int line() {
        return line;
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    char peek(int ahead) {
        return pos + ahead < text.length() ? text.charAt(pos + ahead) : '\0';
    }

    boolean startsWith(String s) {
        return text.startsWith(s, pos);
    }

    /** Consumes {@code s} if the text continues with it (after blanks and comments). */
    boolean accept(String s) {
        skipSpace();
        if (text.startsWith(s, pos)) {
            advanceRaw(pos + s.length());
            return true;
        }
        return false;
    }

    void expect(String s, String what) throws ScriptSyntaxException {
        if (!accept(s)) {
            throw error("expected " + what + " but found " + describeNext());
        }
    }

    /** True if the next character can start a word. */
    boolean atWord() {
        skipSpace();
        char c = peek();
        return Character.isLetter(c) || c == '_';
    }

    /** Reads a word: a letter or underscore, then letters, digits, underscores (and dots inside, for sysctl-like names). */
    String word() throws ScriptSyntaxException {
        skipSpace();
        if (!atWord()) {
            throw error("expected a name but found " + describeNext());
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** The word that comes next, without consuming it, or "" if none. */
    String peekWord() {
        skipSpace();
        int p = pos;
        if (p >= text.length() || !(Character.isLetter(text.charAt(p)) || text.charAt(p) == '_')) {
            return "";
        }
        while (p < text.length() && (Character.isLetterOrDigit(text.charAt(p)) || text.charAt(p) == '_')) {
            p++;
        }
        return text.substring(pos, p);
    }

    boolean atDigit() {
        skipSpace();
        return Character.isDigit(peek()) || (peek() == '.' && Character.isDigit(peek(1)));
    }

    /** Reads an unsigned integer, decimal or {@code 0x} hex. */
    long integer() throws ScriptSyntaxException {
        skipSpace();
        int start = pos;
        try {
            if (text.startsWith("0x", pos) || text.startsWith("0X", pos)) {
                pos += 2;
                int digits = pos;
                while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
                    pos++;
                }
                return Long.parseUnsignedLong(text.substring(digits, pos), 16);
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            return Long.parseLong(text.substring(start, pos));
        } catch (NumberFormatException e) {
            pos = start;
            throw error("expected a number but found " + describeNext());
        }
    }

    /** Reads a time in seconds ({@code 1}, {@code 1.5}, {@code .25}) and returns microseconds. */
    long seconds() throws ScriptSyntaxException {
        skipSpace();
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        // A '.' belongs to the number only if a digit follows: "0...0.2" is 0, then "...".
        if (pos < text.length() && text.charAt(pos) == '.' && pos + 1 < text.length()
                && Character.isDigit(text.charAt(pos + 1))) {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        } else if (pos < text.length() && text.charAt(pos) == '.' && !text.startsWith("...", pos)) {
            pos++; // "1." is 1 second
        }
        if (pos == start) {
            throw error("expected a time but found " + describeNext());
        }
        return Math.round(Double.parseDouble(text.substring(start, pos)) * 1_000_000);
    }

    /** Everything up to (not including) {@code end}, which is consumed; the text may span lines. */
    String until(String end, String what) throws ScriptSyntaxException {
        int stop = text.indexOf(end, pos);
        if (stop < 0) {
            throw error("unterminated " + what + ": no closing " + end);
        }
        String s = text.substring(pos, stop);
        advanceRaw(stop + end.length());
        return s;
    }

    /** The rest of the current line, consumed (the newline is left). */
    String restOfLine() {
        int stop = text.indexOf('\n', pos);
        if (stop < 0) {
            stop = text.length();
        }
        String s = text.substring(pos, stop);
        pos = stop;
        return s;
    }

    /** A short quote of what comes next, for error messages. */
    String describeNext() {
        skipSpace();
        if (atEnd()) {
            return "end of file";
        }
        int stop = pos;
        while (stop < text.length() && stop - pos < 20 && text.charAt(stop) != '\n') {
            stop++;
        }
        return "'" + text.substring(pos, stop).strip() + "'";
    }

    ScriptSyntaxException error(String message) {
        return new ScriptSyntaxException(file, line, message);
    }

    ScriptSyntaxException error(int atLine, String message) {
        return new ScriptSyntaxException(file, atLine, message);
    }
}
