package org.netstack4j.packetdrill;

import java.util.List;

/** What an event does: a system call, a packet in or out, a python block or a shell command. */
public sealed interface Action {

    /**
     * {@code name(args) = result [ERRNO (note)]}.
     *
     * @param name   the call
     * @param args   its arguments
     * @param result the expected result
     * @param errno  the expected errno name, or null
     * @param note   the free text in parentheses after the errno, or null
     */
    record Syscall(String name, List<Expr> args, Expr result, String errno, String note) implements Action {
        @Override
        public String toString() {
            return name + "(" + String.join(", ", args.stream().map(Object::toString).toList()) + ") = " + result
                    + (errno != null ? " " + errno : "");
        }
    }

    /**
     * A packet injected ({@code <}) or expected ({@code >}).
     *
     * @param inbound true for {@code <}
     * @param ip      the bracketed IP info, or {@link IpInfo#NONE}
     * @param ports   explicit {@code sport>dport}, or null for the socket's own
     * @param spec    the transport part
     */
    record Packet(boolean inbound, IpInfo ip, Ports ports, PacketSpec spec) implements Action {
        @Override
        public String toString() {
            return (inbound ? "< " : "> ") + (ip.isEmpty() ? "" : ip + " ")
                    + (ports != null ? ports.source() + ">" + ports.destination() + " " : "") + spec;
        }
    }

    /** Explicit ports of a packet line. */
    record Ports(int source, int destination) {
    }

    /** {@code %{ python }%}: assertions on a TCP_INFO snapshot taken at this moment. */
    record Python(String code) implements Action {
        @Override
        public String toString() {
            return "%{" + code + "}%";
        }
    }

    /** {@code `command`}: a shell command, never run; its sysctl settings are emulated. */
    record Shell(int line, String command) implements Action {
        @Override
        public String toString() {
            return "`" + command + "`";
        }
    }
}
