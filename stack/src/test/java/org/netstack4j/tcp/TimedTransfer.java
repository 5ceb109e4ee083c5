package org.netstack4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.netstack4j.socket.SocketConstants.*;

import java.time.Duration;
import org.netstack4j.socket.BsdSockets;
import org.netstack4j.socket.PollFd;
import org.netstack4j.testing.TwoStacks;

/**
 * One bulk transfer from A to B on a {@link TwoStacks} in virtual time, timed from the first byte written to the
 * last byte read, SHA-256 checked; the goodput tests compare such runs.
 *
 * @param seconds         virtual seconds from the first write to the end of stream at B
 * @param bytes           bytes moved
 * @param retransmissions segments A retransmitted
 * @param timeouts        retransmission timeouts at A
 * @param sackUsed        whether A's connection negotiated SACK
 * @param sendBufferLimit A's send queue limit at the end (after any autotuning)
 * @param receiveBuffer   B's receive buffer at the end (after any autotuning)
 */
record TimedTransfer(double seconds, int bytes, long retransmissions, long timeouts, boolean sackUsed,
                     int sendBufferLimit, int receiveBuffer) {

    /** Goodput in bit/s: bytes delivered in order to B's application per virtual second. */
    double goodputBits() {
        return bytes * 8 / seconds;
    }

    /** Connects A to B, moves {@code size} bytes (content from {@code seed}), closes, and lets both ends settle. */
    static TimedTransfer run(TwoStacks net, int size, long seed) throws Exception {
        return run(net, size, seed, 0);
    }

    /** Like {@link #run(TwoStacks, int, long)}, with SO_RCVBUF {@code receiveBuffer} on B's listener if positive. */
    static TimedTransfer run(TwoStacks net, int size, long seed, int receiveBuffer) throws Exception {
        BsdSockets a = net.socketsA;
        BsdSockets b = net.socketsB;
        TcpTransferTest.Connected conn = TcpTransferTest.Connected.open(net, 4, receiveBuffer);
        int l = conn.listener();
        int c = conn.client();
        int s = conn.server();
        TcpConnection sender = net.a.tcp().connections().getFirst();
        TcpConnection receiver = net.b.tcp().connections().getFirst();
        boolean sackUsed = sender.sackPermitted;
        TcpTransferTest.Pump pump = new TcpTransferTest.Pump(a, c, b, s, size, seed);
        long start = net.sim.clock().nanos();
        long limit = start + Duration.ofHours(1).toNanos();
        // The application runs between simulation steps, and the simulation waits only for what it can do next
        // (room to write, data to read), so that no write waits for an unrelated timer.
        while (!pump.done()) {
            pump.step();
            assertTrue(net.sim.clock().nanos() < limit, "transfer completes within an hour of virtual time");
            net.sim.runUntil(() -> pump.sent < size && a.poll(new PollFd[] {new PollFd(c, POLLOUT)}, 0) > 0
                    || b.poll(new PollFd[] {new PollFd(s, POLLIN)}, 0) > 0, limit);
        }
        long nanos = net.sim.clock().nanos() - start;
        assertArrayEquals(pump.sentDigest.digest(), pump.receivedDigest.digest(), "SHA-256 of the stream");
        TimedTransfer result = new TimedTransfer(nanos / 1e9, size, sender.sender().retransmissions(),
                sender.sender().timeouts(), sackUsed, sender.sender().queue().limit(), receiver.receiveBuffer());
        a.close(c);
        b.close(s);
        b.close(l);
        net.sim.runFor(Duration.ofMinutes(3));
        return result;
    }

    @Override
    public String toString() {
        return String.format("%.2f Mbit/s (%.3f s, %d retransmissions, %d timeouts)", goodputBits() / 1e6, seconds,
                retransmissions, timeouts);
    }
}
