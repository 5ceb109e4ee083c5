package org.netstack4j.cli;

/** The exit codes of the {@code netstack4j} command. */
public final class ExitCodes {
    /** Success, including the in-memory demo run instead of {@code run} when no TAP may be created. */
    public static final int OK = 0;
    /** Any error: a bad flag, an address clash or a failure at run time. The reason is on stderr, one line. */
    public static final int ERROR = 2;

    private ExitCodes() {
    }
}
