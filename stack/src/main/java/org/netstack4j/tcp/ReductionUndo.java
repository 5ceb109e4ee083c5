package org.netstack4j.tcp;

import java.util.Arrays;

/**
 * Whether the D-SACKs of the peer prove a window reduction spurious (RFC 3708 section 3, with the D-SACKs of RFC
 * 2883): the record of one undo episode, as Linux keeps it in undo_marker, undo_retrans, prior_cwnd and
 * prior_ssthresh. An episode starts where fast recovery or a retransmission timeout reduces the window; it holds
 * the window before the reduction and every retransmission of the episode, those still in flight when it began
 * included (Linux's tcp_init_undo counts retrans_out). A D-SACK block that covers a retransmitted range whole
 * reports that the receiver had it already, so that copy was not needed; once every retransmission is so reported,
 * nothing was lost and the reduction answered reordering or delay, not congestion: {@link #spurious()}.
 *
 * <p>Unlike Linux, which counts D-SACKed segments below SND.UNA without checking that they were retransmitted
 * (its "dumb counting"), each retransmission is kept as a range with the number of copies sent, and one D-SACK
 * block takes back one copy of each range it covers: a D-SACK for data sent only once (a duplicate made by the
 * network) or a second D-SACK for the same copy proves nothing. The arrays grow and are reused, so the steady state
 * allocates nothing.
 *
 * <p>What is not undoable never starts an episode or ends the one open: an ECN-Echo (RFC 3168 6.1.2 is a congestion
 * signal without a loss, and Linux's tcp_enter_cwr clears undo_marker) and a loss the tail loss probe repaired
 * (RFC 8985 7.4.2, proven by the absence of a D-SACK).
 */
final class ReductionUndo {
    /**
     * Most retransmitted ranges an episode keeps: past them it ends without an undo. Each retransmission and each
     * D-SACK walks the ranges, so this bounds the work per segment (a timeout that resends a 6 MiB window would
     * otherwise make it quadratic), and an episode with more retransmissions than this all reported as
     * duplicates is not what reordering produces.
     */
    static final int MAX_RANGES = 1024;
    private static final int[] NONE = new int[0];
    /** An episode is open (Linux: undo_marker is set). */
    private boolean open;
    /** SND.UNA when the episode began. */
    private int startUna;
    /**
     * How far SND.UNA may move on before an open episode ends unproven: a needed retransmission never draws a
     * D-SACK, and 2^31 bytes on an old range's numbers would match unrelated ones (sequence-number wrap).
     */
    static final int MAX_DISTANCE = 1 << 30;
    /** The episode began with a retransmission timeout rather than fast recovery. */
    private boolean afterTimeout;
    /** cwnd before the reduction (Linux prior_cwnd), bytes. */
    private int priorCwnd;
    /** ssthresh before the reduction (Linux prior_ssthresh), bytes. */
    private int priorSsthresh;
    /** Retransmitted ranges [start, end) of the episode with the copies of each not yet D-SACKed. */
    /** Empty until the first retransmission of an episode: most connections never retransmit. */
    private int[] starts = NONE;
    private int[] ends = NONE;
    private int[] copies = NONE;
    private int ranges;
    /** Copies sent in the episode, and those no D-SACK has reported yet (Linux undo_retrans). */
    private int sent;
    private int unreported;

    /**
     * A reduction starts an episode, replacing any before it: {@code cwnd} and {@code ssthresh} are the window and
     * threshold before it. {@code afterTimeout} for a retransmission timeout.
     */
    void start(boolean afterTimeout, int cwnd, int ssthresh, int sndUna) {
        open = true;
        startUna = sndUna;
        this.afterTimeout = afterTimeout;
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
        ranges = 0;
        sent = 0;
        unreported = 0;
    }

    /** The window was reduced in a way that must stand (ECN), or was undone: no episode is open any more. */
    void end() {
        open = false;
    }

    /** An episode is open. */
    boolean open() {
        return open;
    }

    /** After an ACK moved SND.UNA to {@code sndUna}: an episode left open that far behind ends unproven. */
    void onAdvance(int sndUna) {
        if (open && sndUna - startUna >= MAX_DISTANCE) {
            open = false;
        }
    }

    /** The range [{@code start}, {@code end}) was sent again (or was in flight again when the episode began). */
    void retransmitted(int start, int end) {
        if (!open) {
            return;
        }
        sent++;
        unreported++;
        for (int i = ranges - 1; i >= 0; i--) {
            if (starts[i] == start && ends[i] == end) {
                copies[i]++;
                return;
            }
        }
        if (ranges == MAX_RANGES) {
            open = false;
            return;
        }
        if (ranges == starts.length) {
            int grown = Math.max(8, ranges * 2);
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
            copies = Arrays.copyOf(copies, grown);
        }
        starts[ranges] = start;
        ends[ranges] = end;
        copies[ranges] = 1;
        ranges++;
    }

    /**
     * The ACK carries the D-SACK block [{@code left}, {@code right}) (RFC 2883 section 4): one copy of every
     * retransmitted range it covers whole arrived as a duplicate.
     */
    void dsack(int left, int right) {
        if (!open) {
            return;
        }
        for (int i = 0; i < ranges; ) {
            if (SeqNum.geq(starts[i], left) && SeqNum.leq(ends[i], right)) {
                unreported--;
                if (--copies[i] == 0) {
                    ranges--;
                    starts[i] = starts[ranges];
                    ends[i] = ends[ranges];
                    copies[i] = copies[ranges];
                    continue;
                }
            }
            i++;
        }
    }

    /**
     * RFC 3708 section 3: every retransmission of the episode has been reported as a duplicate, so none was needed
     * (Linux: undo_marker set and undo_retrans 0; an episode with no retransmission yet proves nothing).
     */
    boolean spurious() {
        return open && sent > 0 && unreported == 0;
    }

    /** The open episode began with a retransmission timeout (Linux counts its undo as TCPLossUndo). */
    boolean afterTimeout() {
        return afterTimeout;
    }

    /** cwnd before the reduction, bytes. */
    int priorCwnd() {
        return priorCwnd;
    }

    /** ssthresh before the reduction, bytes. */
    int priorSsthresh() {
        return priorSsthresh;
    }

    /** Retransmissions of the episode no D-SACK has reported yet. */
    int unreported() {
        return unreported;
    }
}
