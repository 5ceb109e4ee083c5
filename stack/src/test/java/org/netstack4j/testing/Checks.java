package org.netstack4j.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the RFC 9293 requirements (ids such as {@code MUST-13}, {@code SHLD-18}, as listed in
 * {@code conformance-tests/requirements/rfc9293.tsv}) that a test method, or every test of a class, checks.
 * {@code make conformance} reads these from the sources to build docs/conformance.md.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Checks {
    /** Requirement ids. */
    String[] value();
}
