package org.netstack4j.device;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the TAP device needs, bound with the FFM API (no JNA on the per-frame path).
 *
 * <p>Every wrapper returns what the C function returns on success and {@code -errno} on failure, like the
 * kernel's own convention: the hot path (read until {@code EAGAIN}) then needs no exception and no second
 * lookup. errno is captured by the linker right after the call, because anything the JVM does in between may
 * overwrite the real thread's errno.
 */
@SuppressWarnings("restricted") // native access is this class's purpose; the JVM runs with --enable-native-access
final class LibC {

    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;
    /** {@code struct pollfd} is {int fd; short events; short revents}. */
    static final long POLLFD_SIZE = 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** The reader thread and the event loop call at the same time, so each thread keeps its own errno box. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    // open(2) and ioctl(2) are variadic in C; binding them as fixed-arity is undefined behaviour on x86-64,
    // which passes the number of vector registers used to variadic callees.
    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    private static final MethodHandle IOCTL_VALUE =
            bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2);
    private static final MethodHandle WRITEV =
            bind("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    private static final MethodHandle PPOLL =
            bind("ppoll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), -1);
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
    // strerror sets no errno worth reading, so it is bound without the capture option.
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LibC() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, int firstVariadicArg) {
        Linker.Option capture = Linker.Option.captureCallState("errno");
        MemorySegment symbol = LINKER.defaultLookup().findOrThrow(name);
        return firstVariadicArg < 0
                ? LINKER.downcallHandle(symbol, descriptor, capture)
                : LINKER.downcallHandle(symbol, descriptor, capture, Linker.Option.firstVariadicArg(firstVariadicArg));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** open(path, flags); returns the fd or {@code -errno}. */
    static int open(String path, int flags) {
        MemorySegment state = STATE.get();
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(fd, request, arg); returns the result or {@code -errno}. */
    static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment state = STATE.get();
        try {
            int result = (int) IOCTL.invokeExact(state, fd, request, arg);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(fd, request, value) for requests that take an integer rather than a pointer; result or -errno. */
    static int ioctl(int fd, long request, long value) {
        MemorySegment state = STATE.get();
        try {
            int result = (int) IOCTL_VALUE.invokeExact(state, fd, request, value);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** writev(fd, iov, count) over {@code struct iovec}s (16 bytes each); the byte count or {@code -errno}. */
    static long writev(int fd, MemorySegment iov, int count) {
        MemorySegment state = STATE.get();
        try {
            long n = (long) WRITEV.invokeExact(state, fd, iov, count);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** close(fd); returns 0 or {@code -errno}. */
    static int close(int fd) {
        MemorySegment state = STATE.get();
        try {
            int result = (int) CLOSE.invokeExact(state, fd);
            return result == 0 ? 0 : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** read(fd, buf, len); returns the byte count (0 at end of file) or {@code -errno}. */
    static long read(int fd, MemorySegment buf, long len) {
        MemorySegment state = STATE.get();
        try {
            long n = (long) READ.invokeExact(state, fd, buf, len);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** write(fd, buf, len); returns the byte count or {@code -errno}. */
    static long write(int fd, MemorySegment buf, long len) {
        MemorySegment state = STATE.get();
        try {
            long n = (long) WRITE.invokeExact(state, fd, buf, len);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** poll(fds, nfds, timeoutMillis); returns the number of ready fds (0 on timeout) or {@code -errno}. */
    static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment state = STATE.get();
        try {
            int n = (int) POLL.invokeExact(state, fds, nfds, timeoutMillis);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * ppoll(fds, nfds, timeout, NULL) with a timeout to the nanosecond, written into {@code timespec} (16 bytes,
     * {@code {tv_sec, tv_nsec}}); a negative timeout waits without limit. Returns the number of ready fds (0 on
     * timeout) or {@code -errno}.
     */
    static int ppoll(MemorySegment fds, long nfds, long timeoutNanos, MemorySegment timespec) {
        MemorySegment state = STATE.get();
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            timeout = timespec;
        }
        try {
            int n = (int) PPOLL.invokeExact(state, fds, nfds, timeout, MemorySegment.NULL);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** eventfd(initval, flags); returns the fd or {@code -errno}. */
    static int eventfd(int initval, int flags) {
        MemorySegment state = STATE.get();
        try {
            int fd = (int) EVENTFD.invokeExact(state, initval, flags);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** socket(domain, type, protocol); returns the fd or {@code -errno}. */
    static int socket(int domain, int type, int protocol) {
        MemorySegment state = STATE.get();
        try {
            int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The C library's text for an errno value, e.g. {@code Permission denied}. */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            // The returned pointer has no size; glibc's messages are far shorter than this bound.
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Downcalls throw only on programming errors (wrong types); surface them unchanged. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
