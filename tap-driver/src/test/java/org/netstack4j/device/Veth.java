package org.netstack4j.device;

/**
 * A veth pair created for one test; {@link #close()} deletes it (deleting either end deletes both) unless the
 * namespace holding the peer end already took it down with it.
 */
final class Veth implements AutoCloseable {

    private final String hostEnd;

    private Veth(String hostEnd) {
        this.hostEnd = hostEnd;
    }

    /** Creates the pair {@code hostEnd <-> peerEnd}, both in the test JVM's namespace. */
    static Veth create(String hostEnd, String peerEnd) {
        Cmd.run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", peerEnd);
        return new Veth(hostEnd);
    }

    String hostEnd() {
        return hostEnd;
    }

    @Override
    public void close() {
        if (Cmd.succeeds("ip", "link", "show", "dev", hostEnd)) {
            Cmd.run("ip", "link", "del", hostEnd);
        }
    }
}
