package org.netstack4j.packetdrill;

import java.util.List;

/** The transport part of a packet line: TCP, UDP or ICMP. */
public sealed interface PacketSpec {

    /**
     * {@code FLAGS start:end(len) [ack N] [win N] [urg N] [<options>]}.
     *
     * @param flags      the flag letters from {@code .FSRPEWAU} ({@code -} for none), as written
     * @param seq        the start sequence number
     * @param length     the payload length ({@code end - start})
     * @param ack        the ack number, or null if not written
     * @param window     the window, or null if not written
     * @param urgent     the urgent pointer, or null if not written
     * @param options    the options, or null if none written
     * @param anyOptions {@code <...>}: options not checked
     */
    record Tcp(String flags, long seq, int length, Long ack, Long window, Long urgent, List<TcpOpt> options,
               boolean anyOptions) implements PacketSpec {
        /** True if flag letter {@code c} is written. */
        public boolean has(char c) {
            return flags.indexOf(c) >= 0;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(flags).append(' ')
                    .append(Integer.toUnsignedString((int) seq)).append(':')
                    .append(Integer.toUnsignedString((int) (seq + length))).append('(').append(length).append(')');
            if (ack != null) {
                b.append(" ack ").append(Integer.toUnsignedString((int) (long) ack));
            }
            if (window != null) {
                b.append(" win ").append(window);
            }
            if (urgent != null) {
                b.append(" urg ").append(urgent);
            }
            if (anyOptions) {
                b.append(" <...>");
            } else if (options != null) {
                b.append(" <").append(String.join(",", options.stream().map(Object::toString).toList())).append('>');
            }
            return b.toString();
        }
    }

    /** {@code udp (LEN)}. */
    record Udp(int length) implements PacketSpec {
        @Override
        public String toString() {
            return "udp (" + length + ")";
        }
    }

    /**
     * {@code icmp TYPE [CODE] [mtu N] [embedded]}, e.g. {@code icmp unreachable frag_needed mtu 1200 [1:1001(1000)]}.
     *
     * @param type     the ICMP type
     * @param code     the ICMP code
     * @param mtu      next-hop MTU for frag_needed, or -1
     * @param embedded the packet the error quotes (a TCP sequence range or UDP), or null
     * @param text     the line as written (for messages)
     */
    record Icmp(int type, int code, int mtu, PacketSpec embedded, String text) implements PacketSpec {
        @Override
        public String toString() {
            return text;
        }
    }
}
