package org.netstack4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.netstack4j.wire.Ipv4Address;

/**
 * The kernel's network as seen from the host or from one named namespace: what addresses and interfaces it
 * has, and the {@code ip} commands that give the kernel end of the TAP its address. Every command is prefixed
 * with {@code ip -n NS} when a namespace is used, so the host's own networking is never touched.
 */
public final class KernelSide {
    private final String namespace;

    private KernelSide(String namespace) {
        this.namespace = namespace;
    }

    /** The host's own network namespace. */
    public static KernelSide host() {
        return new KernelSide(null);
    }

    /** The named namespace; null means the host. */
    public static KernelSide of(String namespace) {
        return new KernelSide(namespace);
    }

    /** The namespace name, or null for the host. */
    public String namespace() {
        return namespace;
    }

    /** "on this host" or "in namespace NS", for messages. */
    public String where() {
        return namespace == null ? "on this host" : "in namespace " + namespace;
    }

    /** What to put before a command so that it runs here: empty or {@code ip netns exec NS }. */
    public String execPrefix() {
        return namespace == null ? "" : "ip netns exec " + namespace + " ";
    }

    private String[] ip(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("ip");
        if (namespace != null) {
            argv.add("-n");
            argv.add(namespace);
        }
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    /** The interface that already has {@code address} assigned, if any ({@code ip -o -4 addr show}). */
    public Optional<String> interfaceWith(Ipv4Address address) {
        // One line per address: "2: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0 ..."
        for (String line : SystemCommand.run(ip("-o", "-4", "addr", "show")).lines().toList()) {
            String[] f = line.strip().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("inet")) {
                    String a = f[i + 1];
                    int slash = a.indexOf('/');
                    if ((slash < 0 ? a : a.substring(0, slash)).equals(address.toString())) {
                        return Optional.of(f.length > 1 ? f[1] : "?");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Whether an interface called {@code name} exists here. */
    public boolean hasInterface(String name) {
        return SystemCommand.succeeds(ip("link", "show", "dev", name));
    }

    /** Moves the host's interface {@code name} into this namespace ({@code ip link set NAME netns NS}). */
    public void adopt(String name) {
        if (namespace != null) {
            SystemCommand.run("ip", "link", "set", name, "netns", namespace);
        }
    }

    /** Gives interface {@code name} the address {@code peer} and MTU {@code mtu}, and brings it (and lo) up. */
    public void configure(String name, AddressWithPrefix peer, int mtu) {
        if (namespace != null) {
            SystemCommand.run(ip("link", "set", "lo", "up"));
        }
        SystemCommand.run(ip("link", "set", name, "mtu", Integer.toString(mtu)));
        SystemCommand.run(ip("addr", "add", peer.toString(), "dev", name));
        SystemCommand.run(ip("link", "set", name, "up"));
    }
}
