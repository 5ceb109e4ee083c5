package org.netstack4j.packetdrill;

/** A script that does not parse; the message reads {@code file:line: what}. */
public final class ScriptSyntaxException extends Exception {
    private final String file;
    private final int line;
    private final String detail;

    /** A syntax error at {@code line} of {@code file}. */
    public ScriptSyntaxException(String file, int line, String detail) {
        super(file + ":" + line + ": " + detail);
        this.file = file;
        this.line = line;
        this.detail = detail;
    }

    /** The script file as given. */
    public String file() {
        return file;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** What is wrong, without the position. */
    public String detail() {
        return detail;
    }
}
