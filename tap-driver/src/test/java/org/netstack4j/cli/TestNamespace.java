package org.netstack4j.cli;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** A network namespace name unique to one test; {@link #close()} deletes it if it exists. */
final class TestNamespace implements AutoCloseable {
    private final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    /** Eight random hex digits. */
    static String suffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /** A name only; the namespace is not created. */
    static TestNamespace named() {
        return new TestNamespace("ns4j-cli-" + suffix());
    }

    /** Creates the namespace. */
    static TestNamespace create() {
        TestNamespace ns = named();
        Namespaces.create(ns.name);
        return ns;
    }

    String name() {
        return name;
    }

    boolean exists() {
        return Namespaces.exists(name);
    }

    /** Runs {@code ip -n NS args...}. */
    String ip(String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "ip";
        argv[1] = "-n";
        argv[2] = name;
        System.arraycopy(args, 0, argv, 3, args.length);
        return SystemCommand.run(argv);
    }

    boolean hasInterface(String device) {
        return SystemCommand.succeeds("ip", "-n", name, "link", "show", "dev", device);
    }

    @Override
    public void close() {
        if (exists()) {
            Namespaces.delete(name);
        }
    }
}
