/**
 * The RFC 9293 conformance report: a requirement catalogue, the checks found in test and script sources, and
 * the outcomes of the last runs, joined into {@code docs/conformance.md}.
 */
package org.netstack4j.conformance;
