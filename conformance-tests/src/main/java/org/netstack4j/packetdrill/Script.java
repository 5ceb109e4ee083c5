package org.netstack4j.packetdrill;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed packetdrill script: its {@code --name=value} option lines, the optional back-quoted init and
 * cleanup commands, and the timed events in order.
 *
 * @param file    where it came from (for messages and for files its shell commands run)
 * @param options option lines, name without the leading dashes to value ("" for a bare flag)
 * @param init    the init command before the first event, or null
 * @param cleanup the cleanup command after the last event, or null
 * @param events  the events
 */
public record Script(Path file, Map<String, String> options, Action.Shell init, Action.Shell cleanup,
                     List<Event> events) {
}
