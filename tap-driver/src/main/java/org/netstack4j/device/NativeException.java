package org.netstack4j.device;

/**
 * A libc call failed. Carries the errno so callers can react to specific failures (e.g. {@code EPERM} means
 * "run as root"), and formats it like {@code cannot open /dev/net/tun: Permission denied (EACCES)}.
 */
public final class NativeException extends DeviceException {

    private final int errno;

    /**
     * Creates the exception for a failed call.
     *
     * @param what  what we were trying to do, e.g. {@code cannot open /dev/net/tun}
     * @param errno the positive errno value the call left behind
     */
    public NativeException(String what, int errno) {
        super(what + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    /** The positive errno value, e.g. {@link Errno#EPERM}. */
    public int errno() {
        return errno;
    }

    /** Whether the failure means the caller lacks privileges (EPERM or EACCES). */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
