package org.netstack4j.packetdrill;

import java.util.HashMap;
import java.util.Map;

/**
 * How script numbers relate to live ones. The stack picks its own ISN, so each connection (by port pair) keeps
 * the offset between the SYN sequence number the script wrote and the one the stack sent; outbound sequence
 * numbers and inbound ack numbers and SACK blocks are translated by it. The remote side's numbers are the
 * script's own. TS val: the offset between the first outbound TS val and the script's.
 */
final class SequenceMap {
    private final Map<Integer, Long> localOffsets = new HashMap<>();
    private Long tsOffset;

    private static int key(int localPort, int remotePort) {
        return localPort << 16 | remotePort;
    }

    /** Learns the offset from an outbound SYN. */
    void learnIsn(int localPort, int remotePort, long scriptSeq, long liveSeq) {
        localOffsets.put(key(localPort, remotePort), (liveSeq - scriptSeq) & 0xFFFF_FFFFL);
    }

    /** The live value of a number in the stack's sequence space. */
    long toLive(int localPort, int remotePort, long scriptSeq) {
        return (scriptSeq + localOffsets.getOrDefault(key(localPort, remotePort), 0L)) & 0xFFFF_FFFFL;
    }

    /** The script value of a live number in the stack's sequence space. */
    long toScript(int localPort, int remotePort, long liveSeq) {
        return (liveSeq - localOffsets.getOrDefault(key(localPort, remotePort), 0L)) & 0xFFFF_FFFFL;
    }

    /** Learns the TS val offset if not known yet. */
    void learnTsVal(long scriptVal, long liveVal) {
        if (tsOffset == null) {
            tsOffset = (liveVal - scriptVal) & 0xFFFF_FFFFL;
        }
    }

    /** The live TS value for a script TS value (for inbound ecr). */
    long tsToLive(long scriptVal) {
        return tsOffset == null ? scriptVal : (scriptVal + tsOffset) & 0xFFFF_FFFFL;
    }

    /** The script TS value for a live one. */
    long tsToScript(long liveVal) {
        return tsOffset == null ? liveVal : (liveVal - tsOffset) & 0xFFFF_FFFFL;
    }
}
