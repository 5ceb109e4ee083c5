package org.netstack4j.cli;

/**
 * A subcommand that lives in a module which depends on this one (so {@link Main} cannot name it): such a
 * module implements this marker on its picocli {@code @Command} class and lists the class in
 * {@code META-INF/services/org.netstack4j.cli.ExtraCommand}. {@link Main} finds it with a
 * {@link java.util.ServiceLoader} when that module's jar is on the class path, e.g. {@code packetdrill} from
 * conformance-tests.
 */
public interface ExtraCommand {
}
