package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netstack4j.wire.Ipv4Address;

/**
 * {@code run} refuses addresses and names that already exist where the kernel side would live, with one line
 * and exit 2, and creates nothing.
 */
class AddressClashTest {

    @BeforeEach
    void needsRoot() {
        Privileges.assumeRootWithTun();
    }

    private static String tapName() {
        return "ns4jc" + TestNamespace.suffix();
    }

    @Test
    void peerAddressAlreadyInTheNamespace() {
        try (TestNamespace ns = TestNamespace.create()) {
            ns.ip("addr", "add", "10.88.0.1/24", "dev", "lo");
            String tap = tapName();
            CliResult r = CliResult.execute("run", "--tap", tap, "--netns", ns.name(), "--address", "10.88.0.2/24",
                    "--peer-address", "10.88.0.1/24");
            r.assertOneLineError();
            assertTrue(r.err().contains("10.88.0.1 is already assigned to lo in namespace " + ns.name()), r.describe());
            assertFalse(ns.hasInterface(tap));
            assertTrue(ns.exists(), "a namespace run did not create must survive");
        }
    }

    @Test
    void stackAddressAlreadyInTheNamespace() {
        try (TestNamespace ns = TestNamespace.create()) {
            ns.ip("addr", "add", "10.88.0.2/32", "dev", "lo");
            CliResult r = CliResult.execute("run", "--tap", tapName(), "--netns", ns.name(), "--address",
                    "10.88.0.2/24", "--peer-address", "10.88.0.1/24");
            r.assertOneLineError();
            assertTrue(r.err().contains("10.88.0.2 is already assigned"), r.describe());
        }
    }

    @Test
    void addressAlreadyOnTheHost() {
        Optional<String> hostAddress = SystemCommand.run("ip", "-o", "-4", "addr", "show").lines()
                .map(l -> l.strip().split("\\s+"))
                .filter(f -> f.length > 3 && f[2].equals("inet") && !f[3].startsWith("127."))
                .map(f -> f[3].substring(0, f[3].indexOf('/')))
                .findFirst();
        assumeTrue(hostAddress.isPresent(), "skipped: the host has no non-loopback IPv4 address to clash with");
        Ipv4Address taken = Ipv4Address.parse(hostAddress.get());
        // A /30 around the taken address, with the taken one as the kernel side.
        int base = taken.bits() & ~3;
        Ipv4Address other = new Ipv4Address(base + 1 == taken.bits() ? base + 2 : base + 1);
        CliResult r = CliResult.execute("run", "--tap", tapName(), "--address", other + "/30",
                "--peer-address", taken + "/30");
        r.assertOneLineError();
        assertTrue(r.err().contains(taken + " is already assigned to"), r.describe());
        assertTrue(r.err().contains("on this host"), r.describe());
    }

    @Test
    void tapNameAlreadyUsedInTheNamespace() {
        try (TestNamespace ns = TestNamespace.create()) {
            CliResult r = CliResult.execute("run", "--tap", "lo", "--netns", ns.name(), "--address", "10.88.0.2/24",
                    "--peer-address", "10.88.0.1/24");
            r.assertOneLineError();
            assertTrue(r.err().contains("an interface called lo already exists"), r.describe());
        }
    }
}
