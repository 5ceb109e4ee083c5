package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.netstack4j.link.FaultProfile;
import org.netstack4j.testing.CaptureOnFailure;
import org.netstack4j.testing.TwoStacks;

/**
 * Linux's send-buffer autotuning (tcp_sndbuf_expand) in the linux profile: the send queue grows to twice the
 * congestion window, up to tcp_wmem[2], whether or not SACK is in use. It once grew only without SACK, so that a
 * SACK connection kept the 128 KiB default and a path with a larger bandwidth-delay product ran at 128 KiB per
 * round trip (12.6 Mbit/s on a 100 Mbit/s, 80 ms path where NewReno reached the link rate).
 */
class TcpSendBufferAutotuningTest {
    @RegisterExtension
    final CaptureOnFailure capture = new CaptureOnFailure();

    private static final int SIZE = 4 * 1024 * 1024;
    /** A 40 ms round trip and no rate limit: only the windows and the send buffer bound the flight. */
    private static final long DELAY = 20_000_000L;
    /** B's receive buffer: room for 1 MiB in flight, eight times the default send buffer. */
    private static final int RECEIVE_BUFFER = 1 << 20;

    @Test
    void sendBufferGrowsWithTheWindowWithAndWithoutSack() throws Exception {
        TimedTransfer with = transfer(TcpProfile.LINUX);
        TimedTransfer without = transfer(TcpProfile.LINUX.withSack(false));
        System.out.printf("clean 40 ms path: SACK %s, send buffer %d; no SACK %s, send buffer %d%n", with,
                with.sendBufferLimit(), without, without.sendBufferLimit());
        assertTrue(with.sackUsed() && !without.sackUsed(), "SACK negotiated in one run only");
        int defaultBuffer = 131_072;
        assertTrue(without.sendBufferLimit() > RECEIVE_BUFFER, "grew without SACK: " + without.sendBufferLimit());
        assertTrue(with.sendBufferLimit() > RECEIVE_BUFFER, "grew with SACK: " + with.sendBufferLimit()
                + " (the default is " + defaultBuffer + ")");
        // Nothing is lost, so SACK changes nothing on the wire but the SYN's option: the runs take the same time.
        assertEquals(without.seconds(), with.seconds(), 1e-3, "same duration with and without SACK");
    }

    private TimedTransfer transfer(TcpProfile profile) throws Exception {
        FaultProfile path = FaultProfile.NONE.withDelay(DELAY, 0);
        try (TwoStacks net = TwoStacks.create(1500, path, 1, capture.writer(), b -> b.tcpProfile(profile))) {
            net.b.tcp().setDefaultBuffers(RECEIVE_BUFFER, net.b.tcp().defaultSendBuffer());
            return TimedTransfer.run(net, SIZE, 1);
        }
    }
}
