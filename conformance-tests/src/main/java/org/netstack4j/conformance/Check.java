package org.netstack4j.conformance;

/**
 * One place that checks a requirement: a JUnit test method ({@code kind = TEST}, {@code target =
 * "fully.qualified.Class#method"}, or {@code Class#*} for a whole class) or a packetdrill script ({@code kind =
 * SCRIPT}, {@code target} = the script's path relative to the scan root).
 */
public record Check(String requirementId, Kind kind, String target) {
    /** What kind of check. */
    public enum Kind {
        TEST,
        SCRIPT
    }
}
