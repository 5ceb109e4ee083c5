package org.netstack4j.cli;

import java.nio.charset.StandardCharsets;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns option values into checked values for picocli. Each failure becomes a {@link TypeConversionException}
 * whose one-line message says what is wrong and what would be right.
 */
public final class Converters {
    /** Smallest MTU accepted: every IPv4 host must take 576-byte datagrams (RFC 791). */
    public static final int MIN_MTU = 576;
    /** Largest MTU accepted: the kernel's TAP limit of 65535-byte frames minus headers, rounded down. */
    public static final int MAX_MTU = 65520;
    /** The kernel's IFNAMSIZ (16) minus the terminating NUL. */
    public static final int MAX_INTERFACE_NAME_BYTES = 15;

    private Converters() {
    }

    /** A plain IPv4 address such as {@code 10.77.0.1}. */
    public static final class Address implements ITypeConverter<Ipv4Address> {
        @Override
        public Ipv4Address convert(String value) {
            try {
                return Ipv4Address.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an IPv4 address (expected a.b.c.d, each 0..255)");
            }
        }
    }

    /** An IP MTU in {@value #MIN_MTU}..{@value #MAX_MTU}. */
    public static final class Mtu implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int mtu;
            try {
                mtu = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number (expected an MTU "
                        + MIN_MTU + ".." + MAX_MTU + ")");
            }
            if (mtu < MIN_MTU || mtu > MAX_MTU) {
                throw new TypeConversionException("MTU " + mtu + " is out of range " + MIN_MTU + ".." + MAX_MTU);
            }
            return mtu;
        }
    }

    /** {@code on} or {@code off}, for {@code --offload}. */
    public static final class Offload implements ITypeConverter<org.netstack4j.device.TapDevice.Offload> {
        @Override
        public org.netstack4j.device.TapDevice.Offload convert(String value) {
            return switch (value.strip()) {
                case "on" -> org.netstack4j.device.TapDevice.Offload.ON;
                case "off" -> org.netstack4j.device.TapDevice.Offload.OFF;
                default -> throw new TypeConversionException("'" + value + "' is not on or off");
            };
        }
    }

    /** A unicast MAC address such as {@code 02:00:0a:4d:00:02}. */
    public static final class Mac implements ITypeConverter<MacAddress> {
        @Override
        public MacAddress convert(String value) {
            MacAddress mac;
            try {
                mac = MacAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a MAC address (expected xx:xx:xx:xx:xx:xx)");
            }
            if (mac.isMulticast() || mac.bits() == 0) {
                throw new TypeConversionException("'" + value + "' is not a unicast MAC address (the first byte must"
                        + " be even, e.g. 02:...)");
            }
            return mac;
        }
    }

    /** A TAP interface name the kernel accepts: 1..15 bytes, no '/', ':', NUL or whitespace. */
    public static final class InterfaceName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0) {
                throw new TypeConversionException("the interface name is empty");
            }
            if (bytes > MAX_INTERFACE_NAME_BYTES) {
                throw new TypeConversionException("interface name '" + value + "' is " + bytes
                        + " bytes long; Linux allows at most " + MAX_INTERFACE_NAME_BYTES);
            }
            if (value.equals(".") || value.equals("..") || value.contains("%")
                    || value.chars().anyMatch(c -> c == '/' || c == ':' || c == 0 || Character.isWhitespace(c))) {
                throw new TypeConversionException("interface name '" + value
                        + "' may not be . or .. nor contain '/', ':', '%', NUL or whitespace");
            }
            return value;
        }
    }

    /** A network namespace name as {@code ip netns} takes it: no '/', NUL or whitespace, not . or .. . */
    public static final class NamespaceName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isEmpty() || value.equals(".") || value.equals("..") || value.length() > 200
                    || value.chars().anyMatch(c -> c == '/' || c == 0 || Character.isWhitespace(c))) {
                throw new TypeConversionException("'" + value + "' is not a usable namespace name (1..200 characters,"
                        + " no '/' or whitespace)");
            }
            return value;
        }
    }

    /** A probability in [0, 1], e.g. {@code 0.1} for 10 % loss. */
    public static final class Probability implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double p;
            try {
                p = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number (expected a probability 0..1)");
            }
            if (!(p >= 0 && p <= 1)) {
                throw new TypeConversionException("'" + value + "' is not a probability (expected 0..1, e.g. 0.1)");
            }
            return p;
        }
    }
}
