package org.netstack4j.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.netstack4j.service.StandardServices;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The services to start, written {@code echo,discard,daytime} on the command line (names from
 * {@link StandardServices#NAMES}), or {@code none}. Repeated names count once.
 *
 * @param names the service names, in the order given
 */
public record ServiceList(List<String> names) {
    /** Where a service listens, for messages: {@code udp+tcp/7} for echo, {@code tcp/80} for http. */
    public static String ports(String name) {
        return switch (name) {
            case "echo" -> "udp+tcp/7";
            case "discard" -> "udp+tcp/9";
            case "daytime" -> "udp+tcp/13";
            case "chargen" -> "tcp/19";
            case "http" -> "tcp/80";
            case "iperf3" -> "tcp/5201";
            default -> "its well-known port";
        };
    }

    /** Converts the option value. */
    public static final class Converter implements ITypeConverter<ServiceList> {
        @Override
        public ServiceList convert(String value) {
            if (value.strip().equals("none")) {
                return new ServiceList(List.of());
            }
            Set<String> names = new LinkedHashSet<>();
            for (String name : value.split(",", -1)) {
                String n = name.strip();
                if (!StandardServices.NAMES.contains(n)) {
                    throw new TypeConversionException("unknown service '" + n + "'; known: "
                            + String.join(", ", StandardServices.NAMES) + " (or none)");
                }
                names.add(n);
            }
            return new ServiceList(List.copyOf(names));
        }
    }
}
