package org.netstack4j.tcp;

/**
 * The receiving half of a TCP control block (RFC 9293 section 3.3.1): the receive sequence variables, the
 * receive queue with out-of-order data, the window we advertise (with receiver silly-window avoidance,
 * RFC 9293 3.8.6.2.2) and the delayed-ACK state (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2).
 */
public final class TcpReceiver {
    /** Largest window without window scaling (RFC 9293 3.1: a 16-bit field). */
    static final int MAX_UNSCALED_WINDOW = 65_535;
    /** Largest window shift (RFC 7323 2.3). */
    static final int MAX_WSCALE = 14;
    /** IRS: initial receive sequence number. */
    int irs;
    /** RCV.NXT: next sequence number expected. */
    int nxt;
    /** Right edge of the window last advertised: RCV.NXT + RCV.WND at the time. Never moves left. */
    int advertisedRight;
    /** MSS we announced. */
    int mss;
    /** Window scaling is in use (both SYNs carried the option, RFC 7323 2.2). */
    boolean wscaleOk;
    /** Our shift: windows we send are RCV.WND >> wscale (RFC 7323 2.3); announced in our SYN. */
    int wscale;
    /** In-order and out-of-order data. */
    final ReceiveQueue queue;
    /** The peer's FIN has been received in order. */
    boolean finReceived;
    /**
     * A FIN arrived ahead of data still missing: it counts once everything before {@link #pendingFinSeq} has
     * arrived, so the sender need not send it again (Linux keeps the FIN on its out-of-order segment too).
     */
    boolean finPending;
    /** Where the pending FIN sits: the sequence number after the data it follows. */
    int pendingFinSeq;
    /** Full-sized segments received since our last ACK. */
    int unackedSegments;
    /** Segments still to be acknowledged at once (quick-ACK mode at the start, like Linux). */
    int quickAcks;
    /**
     * Linux's interactive ("pingpong") mode, linux profile only: the application answers what it receives, so
     * ACKs are delayed even in quick-ACK mode, to ride on the reply (RFC 9293 3.8.6.3). Entered when we send data
     * within the delayed-ACK timeout of receiving some, or on a FIN in ESTABLISHED; left when the delayed-ACK
     * timer had to send the ACK itself, or when congestion (ECN CE) needs an ACK at once.
     */
    boolean interactive;
    /** A D-SACK to report in the next ACK (RFC 2883): duplicate data [dsackLeft, dsackRight). */
    boolean dsackPending;
    int dsackLeft;
    int dsackRight;

    TcpReceiver(int receiveBuffer, int quickAcks, io.netty.buffer.ByteBufAllocator alloc) {
        this.queue = new ReceiveQueue(receiveBuffer, alloc);
        this.quickAcks = quickAcks;
    }

    /**
     * RCV.WND to advertise now. Receiver SWS avoidance: the right edge moves only when it can move by at
     * least min(buffer / 2, MSS); it never moves left (no window shrinking, RFC 9293 3.8.6.2.2).
     */
    int window() {
        int possible = Math.min(queue.free(), maxWindow());
        int right = nxt + possible;
        int threshold = Math.min(queue.limit() / 2, Math.max(mss, 1));
        if (SeqNum.geq(right, advertisedRight + threshold) || SeqNum.lt(advertisedRight, nxt)) {
            advertisedRight = right;
        }
        return offered();
    }

    /**
     * The window currently offered, without updating it: up to the right edge advertised, which stays where it
     * is even if the buffer was made smaller since (SO_RCVBUF lowered): RFC 9293 3.8.6.2.2 does not let a receiver
     * shrink the window, and Linux keeps the edge. Only what the window field can carry bounds it.
     */
    int offered() {
        return (int) Math.max(0, Math.min((long) MAX_UNSCALED_WINDOW << (wscaleOk ? wscale : 0), advertisedRight - nxt));
    }

    /**
     * The window field for {@code window} bytes on a non-SYN segment: shifted right by our scale (RFC 7323 2.3).
     * Rounding down means the peer may see the right edge up to 2^wscale - 1 bytes short of where it is; we keep
     * accepting up to the real edge, so nothing the peer was allowed to send is refused.
     */
    int windowField(int window) {
        return Math.min(MAX_UNSCALED_WINDOW, window >>> (wscaleOk ? wscale : 0));
    }

    /** Sets the D-SACK for the next ACK (RFC 2883: reported once). */
    void setDsack(int left, int right) {
        dsackPending = true;
        dsackLeft = left;
        dsackRight = right;
    }

    /**
     * Fills {@code left}/{@code right} with the SACK blocks for our next ACK, at most {@code max}, and returns how
     * many: a pending D-SACK first (RFC 2883 4), then — if the duplicate lay in out-of-order data — the block
     * holding it, then the blocks of out-of-order data, most recently received first (RFC 2018 4).
     */
    int sackBlocks(int[] left, int[] right, int max) {
        int n = 0;
        if (max <= 0) {
            return 0;
        }
        int first = queue.mostRecentSeq();
        if (dsackPending) {
            left[0] = dsackLeft;
            right[0] = dsackRight;
            n = 1;
            if (SeqNum.geq(dsackLeft, nxt)) {
                first = dsackLeft;
            }
        }
        return queue.sackBlocks(nxt, first, left, right, n, max);
    }

    /** The largest window we could advertise: the buffer, bounded by what the window field can carry. */
    int maxWindow() {
        return (int) Math.min(queue.limit(), (long) MAX_UNSCALED_WINDOW << (wscaleOk ? wscale : 0));
    }

    /** RCV.NXT and RCV.WND as text. */
    @Override
    public String toString() {
        return "RCV.NXT=" + SeqNum.unsigned(nxt) + " RCV.WND=" + offered();
    }

    /** The receive queue. */
    public ReceiveQueue queue() {
        return queue;
    }
}
