package org.netstack4j.conformance;

/** What happened to a check in the runs the report reads. */
public enum Outcome {
    PASS,
    SKIP,
    NOT_RUN,
    FAIL;

    /**
     * The worse of two outcomes, in declaration order: a requirement checked by several tests is only as good as
     * its worst check (a failure beats "not run", which beats a skip, which beats a pass).
     */
    Outcome worse(Outcome other) {
        return ordinal() >= other.ordinal() ? this : other;
    }
}
