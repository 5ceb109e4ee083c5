package org.netstack4j.wire;

/** Thrown by record {@code parse} methods when the bytes are not a well-formed header. */
public final class WireFormatException extends RuntimeException {

    private final WireError error;

    /**
     * @param error   the classification of the problem
     * @param message a one-line description
     */
    public WireFormatException(WireError error, String message) {
        super(error + ": " + message);
        this.error = error;
    }

    /** The classification of the problem. */
    public WireError error() {
        return error;
    }

    /** Throws a {@link WireFormatException} if {@code error} is not {@code null}. */
    static void throwIf(WireError error, String what) {
        if (error != null) {
            throw new WireFormatException(error, "malformed " + what);
        }
    }
}
