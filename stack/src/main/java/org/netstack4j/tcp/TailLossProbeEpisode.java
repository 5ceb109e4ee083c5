package org.netstack4j.tcp;

/**
 * The state of one tail loss probe episode and the decision of RFC 8985 7.4.2 ("detecting a single loss repaired
 * by the loss probe"): did the probe repair a loss that congestion control must hear of? When a probe is sent
 * the episode records TLP.end_seq (the highest sequence number sent, SND.NXT in the RFC) and TLP.is_retrans; each
 * ACK at or above TLP.end_seq may end it:
 * <ul>
 *   <li>the probe was new data: the episode ends; a loss before it shows up in the SACKs of that new data and
 *       RACK finds it (7.4.1), so nothing is concluded here;</li>
 *   <li>a D-SACK reports the probe's retransmission as a duplicate: the original arrived too, nothing was lost;</li>
 *   <li>the ACK goes beyond TLP.end_seq with neither: the original was lost and the probe repaired it;</li>
 *   <li>a pure duplicate ACK (no new data, no window change, nothing newly SACKed) at TLP.end_seq: both copies
 *       arrived at a receiver that sends no D-SACK, nothing was lost.</li>
 * </ul>
 * An ACK exactly at TLP.end_seq that advances SND.UNA proves nothing yet (a D-SACK for the late original may still
 * come), so the episode stays open; as in Linux (tcp_process_tlp_ack), no further probe is sent while it is. A
 * window reduction for another reason (fast recovery, a timeout, ECN) ends the episode: the window of data the
 * probe was in is reduced already, so the probe's verdict must not reduce it a second time.
 */
final class TailLossProbeEpisode {
    /** An episode is in progress (TLP.end_seq is not None). */
    private boolean open;
    /** TLP.end_seq: the highest sequence number sent, plus one, when the probe went out. */
    private int endSeq;
    /** TLP.is_retrans: the probe resent data (the last segment) rather than sending new data. */
    private boolean retransmission;
    /** The sequence range of the resent segment, for matching a D-SACK to the probe. */
    private int probeStart;
    private int probeEnd;
    /** The ACK being processed carried a D-SACK block that covers part of the probe. */
    private boolean ackDsacksProbe;

    /** A probe episode is in progress: no further probe may go out. */
    boolean open() {
        return open;
    }

    /**
     * A probe was sent (RFC 8985 7.3): {@code endSeq} is the highest sequence number sent plus one; a resent
     * segment covered [{@code start}, {@code end}), new data passes {@code retransmission} false.
     */
    void start(int endSeq, boolean retransmission, int start, int end) {
        open = true;
        this.endSeq = endSeq;
        this.retransmission = retransmission;
        probeStart = start;
        probeEnd = end;
        ackDsacksProbe = false;
    }

    /** The window was reduced for another reason: the episode ends with no verdict of its own. */
    void end() {
        open = false;
    }

    /** Opens the accounting of an arriving ACK. */
    void beginAck() {
        ackDsacksProbe = false;
    }

    /** The ACK carries the D-SACK block [{@code left}, {@code right}) (RFC 2883). */
    void dsack(int left, int right) {
        if (open && retransmission && SeqNum.lt(left, probeEnd) && SeqNum.gt(right, probeStart)) {
            ackDsacksProbe = true;
        }
    }

    /**
     * RFC 8985 7.4.2 (TLP_process_ack) for an ACK of {@code ack}; {@code pureDuplicate}: it acknowledged nothing
     * new, carried no data, left the window as it was and SACKed nothing new. Returns true when the probe repaired
     * a loss (the episode then ends, and the caller reduces the window).
     */
    boolean onAck(int ack, boolean pureDuplicate) {
        if (!open || SeqNum.lt(ack, endSeq)) {
            return false;
        }
        if (!retransmission || ackDsacksProbe) {
            open = false; // new data delivered, or the retransmission was spurious
            return false;
        }
        if (SeqNum.gt(ack, endSeq)) {
            open = false; // no D-SACK came before the ACK moved past the probe: the probe repaired a loss
            return true;
        }
        if (pureDuplicate) {
            open = false; // the original and the probe both arrived, at a receiver without D-SACK
        }
        return false;
    }
}
