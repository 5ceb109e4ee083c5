package org.netstack4j.device;

import java.util.Map;

/**
 * Linux errno values that the device code reacts to, and the symbolic names used in error messages (people
 * search for {@code EBUSY}, not for 16).
 */
public final class Errno {

    /** Operation not permitted: the caller lacks CAP_NET_ADMIN. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call: retry. */
    public static final int EINTR = 4;
    /** I/O error. */
    public static final int EIO = 5;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Try again: a non-blocking fd has nothing to read or no room to write. */
    public static final int EAGAIN = 11;
    /** Permission denied: the caller may not open the file. */
    public static final int EACCES = 13;
    /** Device or resource busy: e.g. a TAP name already attached to another fd. */
    public static final int EBUSY = 16;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** File descriptor in bad state: the TAP behind the fd is gone. */
    public static final int EBADFD = 77;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(3, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(EIO, "EIO"), Map.entry(6, "ENXIO"), Map.entry(EBADF, "EBADF"),
            Map.entry(EAGAIN, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(EACCES, "EACCES"),
            Map.entry(14, "EFAULT"), Map.entry(EBUSY, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(19, "ENODEV"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"),
            Map.entry(25, "ENOTTY"), Map.entry(28, "ENOSPC"), Map.entry(36, "ENAMETOOLONG"),
            Map.entry(EBADFD, "EBADFD"), Map.entry(90, "EMSGSIZE"), Map.entry(95, "EOPNOTSUPP"),
            Map.entry(100, "ENETDOWN"), Map.entry(105, "ENOBUFS"));

    private Errno() {
    }

    /** The symbolic name, e.g. {@code EACCES}, or {@code errno 123} for values we do not list. */
    public static String name(int errno) {
        String name = NAMES.get(errno);
        return name != null ? name : "errno " + errno;
    }

    /** The C library's text plus the symbolic name, e.g. {@code Permission denied (EACCES)}. */
    public static String describe(int errno) {
        return LibC.strerror(errno) + " (" + name(errno) + ")";
    }
}
