/**
 * Small collections for the per-packet path that neither box primitives nor allocate once they have grown to
 * their working size: a map keyed by {@code long}, a ring of {@code long}s, and a heap of deadlines whose
 * entries carry their own position so that moving a deadline costs no allocation.
 */
package org.netstack4j.collect;
