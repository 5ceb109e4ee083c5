package org.netstack4j.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.EOFException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.netstack4j.link.FrameReceiver;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a .pcap file as if its frames had arrived on a wire: for tests and demos that need real captured
 * traffic but no kernel or privileges.
 *
 * <p>{@link #start} returns at once; a platform thread of its own delivers every frame, in file order and as
 * fast as the receiver takes them (capture timing is not reproduced, but {@link #timestamps()} reports it).
 * {@link #awaitReplayed} waits for the end of the file. {@link #transmit} only counts and releases: a replay
 * has no one to send to.
 */
public final class PcapFileDevice extends ReaderThreadDevice {

    private static final Logger LOG = LoggerFactory.getLogger(PcapFileDevice.class);

    private final PcapHandle handle;
    private final CountDownLatch replayed = new CountDownLatch(1);
    /** Written by the replay thread before {@link #replayed} counts down, read only after it has. */
    private final List<Instant> timestamps = new ArrayList<>();

    private PcapFileDevice(String name, int mtu, PcapHandle handle) {
        super(name, mtu, "pcap-replay-");
        this.handle = handle;
    }

    /**
     * Opens a capture file; nothing is read until {@link #start}.
     *
     * @param file a pcap file (nanosecond or microsecond) of Ethernet frames
     * @param mtu  the IP MTU to report to the stack
     * @throws DeviceException if the file cannot be read as pcap or holds something other than Ethernet
     */
    public static PcapFileDevice open(Path file, int mtu) {
        PcapHandle handle;
        try {
            handle = Pcaps.openOffline(file.toString(), TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw new DeviceException("cannot read capture " + file + ": " + e.getMessage(), e);
        }
        if (!DataLinkType.EN10MB.equals(handle.getDlt())) {
            handle.close();
            throw new DeviceException(file + " does not hold Ethernet frames (link type " + handle.getDlt() + ")");
        }
        return new PcapFileDevice(String.valueOf(file.getFileName()), mtu, handle);
    }





    /** Replays on the device's own thread: {@link #start} returns at once. */
    @Override
    Runnable readerBody(FrameReceiver receiver) {
        return () -> replay(receiver);
    }

    @Override
    void readerFinished() {
        replayed.countDown();
    }

    @Override
    void release() {
        handle.close();
    }

    private void replay(FrameReceiver receiver) {
        while (!closed) {
            byte[] raw;
            try {
                raw = handle.getNextRawPacketEx();
            } catch (EOFException | NotOpenException e) {
                return;
            } catch (TimeoutException e) {
                // Offline reads never time out; treat it like any other unexpected read result.
                continue;
            } catch (PcapNativeException e) {
                // A truncated or corrupt record: later records cannot be found reliably, so stop here.
                counters.readError();
                LOG.warn("{}: replay stops after {} frames: {}", name, counters.framesReceived(), e.getMessage());
                return;
            }
            timestamps.add(toInstant(handle.getTimestamp()));
            ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(raw.length);
            frame.writeBytes(raw);
            FrameDelivery.deliver(name, receiver, frame, counters);
        }
    }

    private static Instant toInstant(Timestamp timestamp) {
        return timestamp == null ? Instant.EPOCH : timestamp.toInstant();
    }

    /**
     * Waits until every frame has been delivered (or the replay stopped on an error or {@link #close()}).
     *
     * @return the number of frames delivered
     * @throws TimeoutException     if the replay is still running after {@code timeout}
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws IllegalStateException if {@link #start} was never called
     */
    public long awaitReplayed(Duration timeout) throws InterruptedException, TimeoutException {
        synchronized (this) {
            if (!started()) {
                throw new IllegalStateException(name + " was never started");
            }
        }
        if (!replayed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException(name + ": replay not finished after " + timeout);
        }
        return counters.framesReceived();
    }

    /**
     * The capture timestamps of the delivered frames, in order.
     *
     * @throws IllegalStateException while the replay is still running
     */
    public List<Instant> timestamps() {
        if (replayed.getCount() != 0) {
            throw new IllegalStateException(name + ": replay still running; call awaitReplayed first");
        }
        return List.copyOf(timestamps);
    }

    /** Counts the frame as sent and releases it. */
    @Override
    public void transmit(ByteBuf frame) {
        try {
            if (closed) {
                counters.dropped();
            } else {
                counters.sent();
            }
        } finally {
            frame.release();
        }
    }


    @Override
    public String toString() {
        return "PcapFileDevice[" + name + ", " + counters + "]";
    }
}
