package org.netstack4j.conformance;

/**
 * One requirement of the catalogue: an RFC 9293 requirement id such as {@code MUST-13}, its level, the section
 * that states it and what it asks, in our own words.
 */
public record Requirement(String id, String level, String section, String text) {}
