package org.netstack4j.packetdrill;

/**
 * One timed line of a script.
 *
 * @param line   the 1-based line where the event starts
 * @param time   when it happens
 * @param action what happens
 */
public record Event(int line, EventTime time, Action action) {
}
