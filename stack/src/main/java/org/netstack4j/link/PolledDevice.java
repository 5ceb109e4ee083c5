package org.netstack4j.link;

/**
 * A device that the event loop reads itself instead of a reader thread handing frames over: the loop sleeps in
 * the device's own wait (for a TAP, ppoll(2) on the TAP's fd and a wake-up eventfd) and reads the frames that
 * are ready in batches, on its own thread. A received frame then costs no thread hand-off, no queue node and
 * no wake-up of another thread, which is most of the cost of a small packet.
 *
 * <p>Contract: {@link #startPolled} replaces {@link #start}; from then on {@link #readReady} and
 * {@link #await} are called from the one polling thread only, {@link #wakeUp} from any thread, and
 * {@link #stopPolling()} once by the polling thread when it will not touch the device again.
 */
public interface PolledDevice extends NetworkDevice {

    /**
     * Whether this device can be polled: a wrapper ({@link PcapRecordingDevice}, a test's filter) is polled
     * exactly when the device it wraps is. The event loop starts an unpollable one with {@link #start}.
     */
    default boolean pollable() {
        return true;
    }

    /** Starts the device without a reader thread; {@link #readReady} hands frames to {@code receiver}. */
    void startPolled(FrameReceiver receiver);

    /**
     * Reads up to {@code max} frames that are ready now and hands each to the receiver on the calling thread.
     * Never blocks.
     *
     * @return the number of frames handed over; fewer than {@code max} means none is left for now
     */
    int readReady(int max);

    /**
     * Sleeps until a frame may be ready, {@link #wakeUp} is called, the device closes, or {@code timeoutNanos}
     * pass (negative: no limit).
     */
    void await(long timeoutNanos);

    /** Makes the polling thread's current or next {@link #await} return at once. Any thread. */
    void wakeUp();

    /** The polling thread lets go of the device: it may now release its resources once closed. */
    void stopPolling();
}
