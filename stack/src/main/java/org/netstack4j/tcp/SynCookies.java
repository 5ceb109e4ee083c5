package org.netstack4j.tcp;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SYN cookies (RFC 4987 3.6): when a listener's half-open queue is full, the SYN,ACK's initial sequence number
 * carries what the connection needs, so that no state is kept until the peer's ACK returns it as ACK - 1.
 *
 * <p>Our encoding of the 32-bit ISS:
 * <pre>
 *  31                              8 7           2 1     0
 * +---------------------------------+-------------+-------+
 * |   MAC, 24 bits                  | time mod 64 |  MSS  |
 * +---------------------------------+-------------+-------+
 * </pre>
 * MSS is an index into {@link #MSS_TABLE} (the largest entry not above the peer's MSS, as Linux does with its
 * own four-entry table); the time is a counter of {@link #PERIOD_NANOS} slots of the stack clock; the MAC is
 * HMAC-SHA-256 (the {@link IsnGenerator} construction, keyed with the stack's secret, separated from ISNs by a
 * domain byte) over the four-tuple, the peer's ISN, the full time counter and the MSS index. A cookie is
 * accepted for {@link #MAX_AGE} slots after the one it was made in, about two minutes as in Linux.
 *
 * <p>Options the cookie cannot hold (window scale, SACK-permitted, ECN) travel, when timestamps are in use,
 * in the low six bits of our TSval as Linux does: see {@link #timestampBits} and {@link #fromTimestampBits}.
 */
final class SynCookies {
    /** MSS values a cookie can express: the common path MSSs (no option: RFC 9293 3.7.1's 536; PPPoE/VPN; Ethernet). */
    static final int[] MSS_TABLE = {536, 1220, 1400, 1460};
    static final long PERIOD_NANOS = 64_000_000_000L;
    static final int MAX_AGE = 2;
    private static final byte DOMAIN = 'C';
    private final Mac mac;

    /** Cookies keyed with {@code key}, the stack's ISN secret. */
    SynCookies(byte[] key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
        }
    }

    /** Index of the largest table MSS not above {@code peerMss} (0 when the peer sent none or less than 536). */
    static int mssIndex(int peerMss) {
        int i = MSS_TABLE.length - 1;
        while (i > 0 && MSS_TABLE[i] > peerMss) {
            i--;
        }
        return i;
    }

    /** The ISS for a SYN with sequence number {@code peerIsn} and MSS option {@code peerMss} (0: none), at {@code now}. */
    int make(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, int peerMss, long now) {
        long t = Math.floorDiv(now, PERIOD_NANOS);
        int mssIndex = mssIndex(peerMss);
        return mac24(localIp, localPort, remoteIp, remotePort, peerIsn, t, mssIndex) << 8 | (int) (t & 63) << 2
                | mssIndex;
    }

    /**
     * Checks the cookie {@code iss} (the returning ACK's ACK - 1) against {@code peerIsn} (its SEQ - 1) at
     * {@code now}: the MSS it encodes, or 0 when it is forged, for another four-tuple or too old.
     */
    int check(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, int iss, long now) {
        long current = Math.floorDiv(now, PERIOD_NANOS);
        int t6 = iss >>> 2 & 63;
        int mssIndex = iss & 3;
        long t = current - ((current - t6) & 63); // the latest counter value not after now with these low bits
        if (current - t > MAX_AGE) {
            return 0;
        }
        int expected = mac24(localIp, localPort, remoteIp, remotePort, peerIsn, t, mssIndex);
        return expected == iss >>> 8 ? MSS_TABLE[mssIndex] : 0;
    }

    private int mac24(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, long t, int mssIndex) {
        ByteBuffer b = ByteBuffer.allocate(26).put(DOMAIN).putInt(localIp).putShort((short) localPort).putInt(remoteIp)
                .putShort((short) remotePort).putInt(peerIsn).putLong(t).put((byte) mssIndex);
        byte[] h = mac.doFinal(b.array());
        return (h[0] & 0xFF) << 16 | (h[1] & 0xFF) << 8 | h[2] & 0xFF;
    }

    /**
     * What a cookie connection remembers through the timestamp option, Linux's layout of TSval's low six bits:
     * bits 0-3 the peer's window scale (15: none), bit 4 SACK-permitted, bit 5 ECN.
     *
     * @param windowScale the peer's shift, or -1 when it sent no window scale option
     */
    record TimestampBits(int windowScale, boolean sackPermitted, boolean ecn) {
    }

    /** The low six bits of TSval for {@code bits}; the sender replaces its TSval's low bits with them. */
    static int timestampBits(TimestampBits bits) {
        int ws = bits.windowScale() < 0 ? 0xF : Math.min(bits.windowScale(), 14);
        return ws | (bits.sackPermitted() ? 1 << 4 : 0) | (bits.ecn() ? 1 << 5 : 0);
    }

    /** Decodes the low six bits of the TSecr a cookie's ACK echoes. */
    static TimestampBits fromTimestampBits(int tsecr) {
        int ws = tsecr & 0xF;
        return new TimestampBits(ws == 0xF ? -1 : ws, (tsecr & 1 << 4) != 0, (tsecr & 1 << 5) != 0);
    }
}
