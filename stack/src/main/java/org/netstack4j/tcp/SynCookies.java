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
 * domain byte) over the four-tuple, the peer's ISN, the full time counter, the MSS index and the option bits
 * below. A cookie is accepted for {@link #MAX_AGE} slots after the one it was made in, about two minutes as in
 * Linux.
 *
 * <p>Options the cookie cannot hold (window scale, SACK-permitted, ECN) travel, when the SYN carried timestamps,
 * in the low six bits of our SYN,ACK's timestamp clock as Linux does (net/ipv4/syncookies.c): see
 * {@link TimestampBits} and {@link #timestampClock}. The peer echoes them in every TSecr until we send another
 * TSval, so the returning ACK brings them back. Unlike Linux, which trusts whatever TSecr comes back, the bits are
 * part of the MAC (a SYN without timestamps counts as {@link #NO_TIMESTAMPS}) and the echoed clock must lie in the
 * cookie's own time slot: a changed or stale TSecr fails the cookie like a wrong ISS.
 */
final class SynCookies {
    /** MSS values a cookie can express: the common path MSSs (no option: RFC 9293 3.7.1's 536; PPPoE/VPN; Ethernet). */
    static final int[] MSS_TABLE = {536, 1220, 1400, 1460};
    static final long PERIOD_NANOS = 64_000_000_000L;
    static final int MAX_AGE = 2;
    /** The option value MACed for a handshake without timestamps; the six timestamp bits are 0-63. */
    static final int NO_TIMESTAMPS = 64;
    /** How many low bits of the timestamp clock carry options (Linux TSBITS). */
    static final int TS_BITS = 6;
    private static final int TS_MASK = (1 << TS_BITS) - 1;
    private static final long NANOS_PER_TICK = 1_000_000L;
    private static final long TICKS_PER_PERIOD = PERIOD_NANOS / NANOS_PER_TICK;
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

    /**
     * The ISS for a SYN with sequence number {@code peerIsn} and MSS option {@code peerMss} (0: none), at
     * {@code now}; {@code options} are the bits the SYN,ACK's TSval carries, or null when it carries no timestamps.
     */
    int make(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, int peerMss,
             TimestampBits options, long now) {
        long t = Math.floorDiv(now, PERIOD_NANOS);
        int mssIndex = mssIndex(peerMss);
        int optionValue = options == null ? NO_TIMESTAMPS : timestampBits(options);
        return mac24(localIp, localPort, remoteIp, remotePort, peerIsn, t, mssIndex, optionValue) << 8
                | (int) (t & 63) << 2 | mssIndex;
    }

    /**
     * What a valid cookie gives back.
     *
     * @param mss     the MSS the SYN offered, rounded down to {@link #MSS_TABLE}
     * @param options the options carried in the timestamps, or null when the handshake had none
     */
    record Accepted(int mss, TimestampBits options) {
    }

    /**
     * Checks the cookie {@code iss} (the returning ACK's ACK - 1) against {@code peerIsn} (its SEQ - 1) at
     * {@code now}. With {@code timestamps}, {@code echoedClock} is the ACK's TSecr less the connection's timestamp
     * offset. Returns null when the cookie is forged, for another four-tuple or too old, or the TSecr is not one
     * the cookie's SYN,ACK could have carried: other option bits (they are in the MAC), a clock outside the
     * cookie's time slot or ahead of now.
     */
    Accepted check(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, int iss,
                   boolean timestamps, int echoedClock, long now) {
        long current = Math.floorDiv(now, PERIOD_NANOS);
        int t6 = iss >>> 2 & 63;
        int mssIndex = iss & 3;
        long t = current - ((current - t6) & 63); // the latest counter value not after now with these low bits
        if (current - t > MAX_AGE) {
            return null;
        }
        if (timestamps && (!inSlot(echoedClock, t) || echoedClock - (int) (now / NANOS_PER_TICK) > 0)) {
            return null; // not a TSval we sent with this cookie: from another slot, or not sent yet
        }
        int optionValue = timestamps ? echoedClock & TS_MASK : NO_TIMESTAMPS;
        int expected = mac24(localIp, localPort, remoteIp, remotePort, peerIsn, t, mssIndex, optionValue);
        if (expected != iss >>> 8) {
            return null;
        }
        return new Accepted(MSS_TABLE[mssIndex], timestamps ? fromTimestampBits(echoedClock) : null);
    }

    /**
     * The timestamp clock value (1 ms ticks, before the connection's offset) of a cookie's SYN,ACK at {@code now}:
     * the current tick with its low six bits replaced by {@code options}, and one step of 64 ticks back when that
     * would lie ahead of the clock, so that the connection's later TSvals never run backwards (RFC 7323 5.4; Linux
     * cookie_init_timestamp). Always within the 64 ticks up to now.
     */
    static int timestampClock(TimestampBits options, long now) {
        long tick = now / NANOS_PER_TICK;
        long ts = tick & ~(long) TS_MASK | timestampBits(options);
        if (ts > tick) {
            ts -= TS_MASK + 1;
        }
        return (int) ts;
    }

    /** True if {@code clock} is a value {@link #timestampClock} gives during time slot {@code t} (mod 2^32). */
    private static boolean inSlot(int clock, long t) {
        long first = t * TICKS_PER_PERIOD - (TS_MASK + 1);
        return ((clock - (int) first) & 0xFFFF_FFFFL) < TICKS_PER_PERIOD + TS_MASK + 1;
    }

    private int mac24(int localIp, int localPort, int remoteIp, int remotePort, int peerIsn, long t, int mssIndex,
                      int optionValue) {
        ByteBuffer b = ByteBuffer.allocate(27).put(DOMAIN).putInt(localIp).putShort((short) localPort)
                .putInt(remoteIp).putShort((short) remotePort).putInt(peerIsn).putLong(t).put((byte) mssIndex)
                .put((byte) optionValue);
        byte[] h = mac.doFinal(b.array());
        return (h[0] & 0xFF) << 16 | (h[1] & 0xFF) << 8 | h[2] & 0xFF;
    }

    /**
     * What a cookie connection remembers through the timestamp option, Linux's layout of TSval's low six bits:
     * bits 0-3 the peer's window scale (15: none), bit 4 SACK-permitted, bit 5 ECN.
     *
     * @param windowScale the peer's shift, or -1 when it sent no window scale option (or we do not scale)
     */
    record TimestampBits(int windowScale, boolean sackPermitted, boolean ecn) {
    }

    /** The low six bits of the timestamp clock for {@code bits}. A shift above 14 is 14 (RFC 7323 2.3). */
    static int timestampBits(TimestampBits bits) {
        int ws = bits.windowScale() < 0 ? 0xF : Math.min(bits.windowScale(), 14);
        return ws | (bits.sackPermitted() ? 1 << 4 : 0) | (bits.ecn() ? 1 << 5 : 0);
    }

    /** Decodes the low six bits of the timestamp clock a cookie's ACK echoes. */
    static TimestampBits fromTimestampBits(int clock) {
        int ws = clock & 0xF;
        return new TimestampBits(ws == 0xF ? -1 : ws, (clock & 1 << 4) != 0, (clock & 1 << 5) != 0);
    }
}
