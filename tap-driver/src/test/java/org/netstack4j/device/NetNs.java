package org.netstack4j.device;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace that exists for one test: created with a unique name, deleted on {@link #close()} even
 * when the test failed. Deleting it also deletes the virtual interfaces moved into it.
 */
final class NetNs implements AutoCloseable {

    private final String name;

    private NetNs(String name) {
        this.name = name;
    }

    /** Creates {@code ns4j-test-<random>}. */
    static NetNs create() {
        NetNs ns = new NetNs("ns4j-test-" + randomSuffix());
        Cmd.run("ip", "netns", "add", ns.name);
        return ns;
    }

    /** Eight random hex digits: short enough for 15-byte interface names, unlikely to collide. */
    static String randomSuffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    String name() {
        return name;
    }

    /** Runs {@code ip -n NS args...} inside the namespace. */
    String ip(String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "ip";
        argv[1] = "-n";
        argv[2] = name;
        System.arraycopy(args, 0, argv, 3, args.length);
        return Cmd.run(argv);
    }

    /** The MAC address of {@code device} inside the namespace, as 6 bytes. */
    byte[] macOf(String device) {
        // Brief output is "NAME STATE MAC <FLAGS>"; a TAP in a namespace is never an "@peer" name.
        String[] fields = ip("-br", "link", "show", "dev", device).strip().split("\\s+");
        return HexFormat.ofDelimiter(":").parseHex(fields[2]);
    }

    @Override
    public void close() {
        Cmd.run("ip", "netns", "del", name);
    }
}
