package org.netstack4j.packetdrill;

/** Thrown when a script needs something the runner or the stack does not have; the script is SKIPped. */
final class ScriptSkip extends Exception {
    ScriptSkip(String feature) {
        super(feature, null, false, false);
    }
}
