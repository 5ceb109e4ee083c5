package org.netstack4j.packetdrill;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.netstack4j.wire.Ipv4Address;

/**
 * The runner's settings, named and defaulted like packetdrill's command-line flags; a script's own
 * {@code --name=value} option lines override them for that script ({@link #with}).
 *
 * @param localIp          the stack's address (packetdrill: 192.168.0.1)
 * @param remoteIp         the remote end the script plays (192.0.2.1)
 * @param gatewayIp        the gateway the stack reaches the remote through (192.168.0.2)
 * @param netmask          the stack's netmask (255.255.0.0)
 * @param bindPort         the port bind() and listen() use (8080)
 * @param connectPort      the port connect() and sendto() use (8080)
 * @param mtu              the device MTU (1500)
 * @param toleranceMicros  timing tolerance in microseconds (4000)
 * @param tolerancePercent timing tolerance as a percentage of the scripted gap (12.5)
 * @param tsTickMicros     TS val tick for checking outbound timestamps, 0 to not check them
 * @param nonFatal         error kinds that only warn: {@code packet}, {@code syscall}
 * @param ipVersion        {@code ipv4}; the others are reported as unsupported
 */
public record RunnerConfig(Ipv4Address localIp, Ipv4Address remoteIp, Ipv4Address gatewayIp, Ipv4Address netmask,
                           int bindPort, int connectPort, int mtu, long toleranceMicros, double tolerancePercent,
                           long tsTickMicros, Set<String> nonFatal, String ipVersion) {

    /** packetdrill's defaults. */
    public static RunnerConfig defaults() {
        return new RunnerConfig(Ipv4Address.parse("192.168.0.1"), Ipv4Address.parse("192.0.2.1"),
                Ipv4Address.parse("192.168.0.2"), Ipv4Address.parse("255.255.0.0"), 8080, 8080, 1500, 4000, 12.5, 0,
                Set.of(), "ipv4");
    }

    /** The names {@link #with} understands (without the leading dashes). */
    public static final Set<String> FLAGS = Set.of("ip_version", "local_ip", "remote_ip", "gateway_ip", "netmask_ip",
            "bind_port", "connect_port", "mtu", "tolerance_usecs", "tolerance_percent", "tcp_ts_tick_usecs",
            "non_fatal");

    /** Flags packetdrill has that make no difference in virtual time on an in-memory link; accepted and ignored. */
    public static final Set<String> IGNORED_FLAGS = Set.of("wire_server", "wire_client", "wire_server_ip",
            "wire_server_port", "wire_client_dev", "wire_server_dev", "speed", "verbose", "dry_run", "so_filename",
            "so_flags", "init_scripts", "mss", "send_omit_free", "persistent_tcp_src_port", "dev", "debug");

    /** The prefix length of {@link #netmask}. */
    public int prefixLength() {
        int bits = netmask.bits();
        return Integer.bitCount(bits);
    }

    /** This configuration with the options applied; IllegalArgumentException with a one-line reason on a bad one. */
    public RunnerConfig with(Map<String, String> options) {
        RunnerConfig c = this;
        for (Map.Entry<String, String> o : options.entrySet()) {
            c = c.with(o.getKey(), o.getValue());
        }
        return c;
    }

    /** This configuration with {@code --name=value} applied. */
    public RunnerConfig with(String name, String value) {
        String v = value == null ? "" : value.strip();
        return switch (name) {
                case "ip_version" -> {
                    String iv = v.toLowerCase(Locale.ROOT);
                    if (!iv.equals("ipv4") && !iv.equals("ipv4-mapped-ipv6") && !iv.equals("ipv6")) {
                        throw new IllegalArgumentException("--ip_version must be ipv4, ipv4-mapped-ipv6 or ipv6, got '" + v + "'");
                    }
                    yield new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, bindPort, connectPort, mtu,
                            toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, iv);
                }
                case "local_ip" -> new RunnerConfig(ip(name, v), remoteIp, gatewayIp, netmask, bindPort, connectPort, mtu,
                        toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                case "remote_ip" -> new RunnerConfig(localIp, ip(name, v), gatewayIp, netmask, bindPort, connectPort, mtu,
                        toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                case "gateway_ip" -> new RunnerConfig(localIp, remoteIp, ip(name, v), netmask, bindPort, connectPort, mtu,
                        toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                case "netmask_ip" -> {
                    Ipv4Address m = ip(name, v);
                    int bits = m.bits();
                    if (bits != 0 && Integer.numberOfTrailingZeros(bits) + Integer.bitCount(bits) != 32) {
                        throw new IllegalArgumentException("--netmask_ip '" + v + "' is not a contiguous netmask");
                    }
                    yield new RunnerConfig(localIp, remoteIp, gatewayIp, m, bindPort, connectPort, mtu,
                            toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                }
                case "bind_port" -> new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, port(name, v), connectPort, mtu,
                        toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                case "connect_port" -> new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, bindPort, port(name, v), mtu,
                        toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                case "mtu" -> new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, bindPort, connectPort,
                        (int) number(name, v, 576, 65535), toleranceMicros, tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                case "tolerance_usecs" -> new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, bindPort, connectPort, mtu,
                        number(name, v, 0, Integer.MAX_VALUE), tolerancePercent, tsTickMicros, nonFatal, ipVersion);
                case "tolerance_percent" -> {
                    double p;
                    try {
                        p = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--tolerance_percent must be a number, got '" + v + "'");
                    }
                    if (p < 0 || p > 100 || Double.isNaN(p)) {
                        throw new IllegalArgumentException("--tolerance_percent must be 0..100, got '" + v + "'");
                    }
                    yield new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, bindPort, connectPort, mtu,
                            toleranceMicros, p, tsTickMicros, nonFatal, ipVersion);
                }
                case "tcp_ts_tick_usecs" -> new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, bindPort, connectPort, mtu,
                        toleranceMicros, tolerancePercent, number(name, v, 0, Integer.MAX_VALUE), nonFatal, ipVersion);
                case "non_fatal" -> {
                    Set<String> kinds = Set.of(v.split(","));
                    for (String k : kinds) {
                        if (!k.equals("packet") && !k.equals("syscall")) {
                            throw new IllegalArgumentException("--non_fatal takes packet and/or syscall, got '" + k + "'");
                        }
                    }
                    yield new RunnerConfig(localIp, remoteIp, gatewayIp, netmask, bindPort, connectPort, mtu,
                            toleranceMicros, tolerancePercent, tsTickMicros, kinds, ipVersion);
                }
                default -> {
                    if (IGNORED_FLAGS.contains(name)) {
                        yield this;
                    }
                    throw new IllegalArgumentException("unknown option --" + name);
                }
        };
    }

    private static Ipv4Address ip(String name, String v) {
        try {
            return Ipv4Address.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be an IPv4 address, got '" + v + "'");
        }
    }

    private static int port(String name, String v) {
        return (int) number(name, v, 1, 65535);
    }

    private static long number(String name, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + name + " must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    /** The timing tolerance for an event scheduled {@code gapMicros} after the one before. */
    public long toleranceFor(long gapMicros) {
        return Math.max(toleranceMicros, Math.round(Math.abs(gapMicros) * tolerancePercent / 100.0));
    }
}
