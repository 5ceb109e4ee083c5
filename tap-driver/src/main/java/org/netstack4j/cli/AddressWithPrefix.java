package org.netstack4j.cli;

import org.netstack4j.wire.Ipv4Address;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An IPv4 address with a prefix length, written {@code 10.77.0.2/24} on the command line.
 *
 * @param address the address
 * @param prefixLength the subnet prefix length, 0..32
 */
public record AddressWithPrefix(Ipv4Address address, int prefixLength) {

    /** Checks the prefix length. */
    public AddressWithPrefix {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLength);
        }
    }

    /**
     * Parses {@code a.b.c.d/p}: a strict dotted quad and a decimal prefix length 0..32.
     *
     * @throws IllegalArgumentException with a one-line message saying what is wrong
     */
    public static AddressWithPrefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length (expected a.b.c.d/p, e.g. 10.77.0.2/24)");
        }
        Ipv4Address address;
        try {
            address = Ipv4Address.parse(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address with prefix (expected a.b.c.d/p,"
                    + " each of a..d 0..255, e.g. 10.77.0.2/24)");
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' has a bad prefix length (expected 0..32 after the '/')");
        }
        int p = Integer.parseInt(prefix);
        if (p > 32) {
            throw new IllegalArgumentException("'" + text + "' has prefix length " + p + "; an IPv4 prefix is 0..32");
        }
        return new AddressWithPrefix(address, p);
    }

    /** Whether {@code other} lies in this address's subnet. */
    public boolean contains(Ipv4Address other) {
        return address.sameSubnet(other, prefixLength);
    }

    /** The network address (host bits zero). */
    public Ipv4Address network() {
        return new Ipv4Address(address.bits() & Ipv4Address.mask(prefixLength));
    }

    /** The subnet's directed broadcast address (host bits one). */
    public Ipv4Address broadcast() {
        return new Ipv4Address(address.bits() | ~Ipv4Address.mask(prefixLength));
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }

    /** Lets picocli convert an option value, turning a parse failure into a one-line usage error. */
    public static final class Converter implements ITypeConverter<AddressWithPrefix> {
        @Override
        public AddressWithPrefix convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
