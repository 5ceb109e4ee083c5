package org.netstack4j.packetdrill;

import java.util.List;

/**
 * The outcome of one script.
 *
 * @param path     the script as given on the command line
 * @param status   PASS, FAIL or SKIP
 * @param detail   for FAIL what went wrong (line, virtual time, expected and actual), for SKIP the
 *                 unsupported feature; empty for PASS
 * @param warnings non-fatal errors ({@code --non_fatal}) that did not stop the script
 */
public record ScriptResult(String path, Status status, String detail, List<String> warnings) {

    /** The three outcomes; a skipped script never counts as passed. */
    public enum Status {
        /** Every event happened as written. */
        PASS,
        /** An event did not happen as written, or the script does not parse. */
        FAIL,
        /** The script needs something the runner or the stack does not have. */
        SKIP
    }

    /** The result line: {@code PASS path}, {@code FAIL path: detail} or {@code SKIP path: feature}. */
    public String line() {
        return status + " " + path + (detail.isEmpty() ? "" : ": " + detail);
    }
}
