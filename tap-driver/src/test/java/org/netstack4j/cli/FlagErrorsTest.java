package org.netstack4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad command line gives exit 2 and one line on stderr, before anything is created. */
class FlagErrorsTest {
    /**
     * A capture path that cannot be written: should a case's flags be accepted after all (say, a service name
     * that became real), run fails on it at once instead of running until a signal.
     */
    private static final String UNWRITABLE_CAPTURE = "/nonexistent/ns4j-flag-test.pcap";

    private static String[] run(String... extra) {
        List<String> a = new ArrayList<>(List.of("run", "--tap", "ns4jflag0", "--address", "10.77.0.2/24",
                "--peer-address", "10.77.0.1/24", "--pcap", UNWRITABLE_CAPTURE));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static String[] runWith(String option, String value) {
        List<String> a = new ArrayList<>(List.of(run()));
        int i = a.indexOf(option);
        if (i >= 0) {
            a.set(i + 1, value);
        } else {
            a.add(option);
            a.add(value);
        }
        return a.toArray(String[]::new);
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of("unknown flag", run("--bogus")),
                Arguments.of("unknown subcommand", new String[] {"frobnicate"}),
                Arguments.of("missing value", run("--mtu")),
                Arguments.of("missing required options", new String[] {"run", "--tap", "ns4jflag0"}),
                Arguments.of("bad address", runWith("--address", "10.0.0.300/24")),
                Arguments.of("address without prefix", runWith("--address", "10.77.0.2")),
                Arguments.of("prefix above 32", runWith("--address", "10.77.0.2/33")),
                Arguments.of("peer prefix above 32", runWith("--peer-address", "10.77.0.1/40")),
                Arguments.of("MTU too small", runWith("--mtu", "575")),
                Arguments.of("MTU too large", runWith("--mtu", "65521")),
                Arguments.of("MTU not a number", runWith("--mtu", "big")),
                Arguments.of("offload neither on nor off", runWith("--offload", "maybe")),
                Arguments.of("peer equals address", runWith("--peer-address", "10.77.0.2/24")),
                Arguments.of("peer outside subnet", runWith("--peer-address", "10.78.0.1/24")),
                Arguments.of("address is the broadcast address", runWith("--address", "10.77.0.255/24")),
                Arguments.of("gateway outside subnet", runWith("--gateway", "192.168.1.1")),
                Arguments.of("unknown service", runWith("--services", "echo,qotd")),
                Arguments.of("bad MAC", runWith("--mac", "02:00:00:00:00")),
                Arguments.of("multicast MAC", runWith("--mac", "01:00:5e:00:00:01")),
                Arguments.of("TAP name too long", runWith("--tap", "a-very-long-tap-name")),
                Arguments.of("TAP name with a slash", runWith("--tap", "tap/0")),
                Arguments.of("demo loss out of range", new String[] {"demo", "--loss", "1.5"}),
                Arguments.of("demo seed not a number", new String[] {"demo", "--seed", "x"}),
                Arguments.of("replay without address", new String[] {"replay", "x.pcap"}),
                Arguments.of("replay of a missing file", new String[] {"replay", "/nonexistent/x.pcap", "--address",
                        "10.0.0.1/24"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void givesOneLineAndExitTwo(String what, String[] args) {
        CliResult r = CliResult.execute(args);
        org.junit.jupiter.api.Assertions.assertFalse(r.err().contains("cannot write the capture"),
                "the flags were accepted:\n" + r.describe());
        r.assertOneLineError();
        org.junit.jupiter.api.Assertions.assertEquals("", r.out(), r.describe());
    }
}
