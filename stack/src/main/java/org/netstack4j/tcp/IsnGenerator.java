package org.netstack4j.tcp;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Initial sequence numbers per RFC 6528 section 3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), where M is a timer ticking every 4 microseconds and F a keyed pseudo-random function (here
 * HMAC-SHA-256, truncated). The key is injectable: tests pass a fixed key and get the same ISNs every run.
 */
public final class IsnGenerator {
    private final Mac mac;

    /** A generator keyed with {@code key} (any length, at least 16 bytes recommended). */
    public IsnGenerator(byte[] key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
        }
    }

    /** The ISN for this four-tuple at time {@code nowNanos}. */
    public int isn(int localIp, int localPort, int remoteIp, int remotePort, long nowNanos) {
        ByteBuffer b = ByteBuffer.allocate(12).putInt(localIp).putShort((short) localPort).putInt(remoteIp)
                .putShort((short) remotePort);
        byte[] h = mac.doFinal(b.array());
        int f = ByteBuffer.wrap(h).getInt();
        int m = (int) (nowNanos / 4000);
        return m + f;
    }
}
