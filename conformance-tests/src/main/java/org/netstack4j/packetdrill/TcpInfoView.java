package org.netstack4j.packetdrill;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.netstack4j.tcp.TcpInfo;

/**
 * The {@code tcpi_*} names {@code %{ }%} blocks use, bound to a {@link TcpInfo} snapshot: each record
 * component under Linux's name ({@code sndCwnd} is {@code tcpi_snd_cwnd}), and {@code tcpi_state} as Linux's
 * number. Units are TcpInfo's, which follow Linux's.
 */
final class TcpInfoView {
    private TcpInfoView() {
    }

    /** The fields of {@code info}, as Python integer literals by name. */
    static Map<String, Long> of(TcpInfo info) {
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            for (RecordComponent c : TcpInfo.class.getRecordComponents()) {
                Object v = c.getAccessor().invoke(info);
                if (v instanceof Number n) {
                    m.put("tcpi_" + snake(c.getName()), n.longValue());
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read TcpInfo", e);
        }
        m.put("tcpi_state", (long) info.linuxState());
        return m;
    }

    private static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
