package org.netstack4j.socket;

/** One entry of a {@link BsdSockets#poll} call, like C's {@code struct pollfd}: in {@code events}, out {@code revents}. */
public final class PollFd {
    /** The descriptor. */
    public final int fd;
    /** The events of interest (POLLIN, POLLOUT, ...). */
    public final int events;
    /** The events that occurred, set by poll. */
    public int revents;

    /** An entry for {@code fd} waiting for {@code events}. */
    public PollFd(int fd, int events) {
        this.fd = fd;
        this.events = events;
    }
}
