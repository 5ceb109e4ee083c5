package org.netstack4j.device;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.EOFException;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;
import org.netstack4j.link.FrameReceiver;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An existing Ethernet interface (a veth end, a bridge port, a NIC) captured and injected through libpcap: the
 * stack sees every frame arriving on the interface and sends raw frames out of it, next to the kernel's own
 * stack on that interface.
 *
 * <p>Threads: one platform reader thread loops over libpcap's next-packet call; {@link #close()} wakes it with
 * pcap_breakloop and waits for it before closing the handle. Transmit sends from the caller's thread.
 *
 * <p>libpcap also captures frames sent on the interface, including our own. The capture is therefore limited
 * to incoming frames (pcap_setdirection IN); where the platform cannot do that, frames whose source MAC is the
 * one given to {@link #open} are skipped instead.
 */
public final class PcapLiveDevice extends ReaderThreadDevice {

    private static final Logger LOG = LoggerFactory.getLogger(PcapLiveDevice.class);
    private static final int SNAPLEN = 65536;
    /** Bounds each read where libpcap honours it; close() does not rely on it (see {@link #wakeReader}). */
    private static final int READ_TIMEOUT_MILLIS = 20;

    private final PcapHandle handle;
    private final byte[] ownMac;
    /** Reused by transmit, which only the event loop calls, to avoid a byte[] per frame. */
    private final byte[] transmitScratch = new byte[SNAPLEN];

    private PcapLiveDevice(String name, int mtu, PcapHandle handle, byte[] ownMac) {
        super(name, mtu, "pcap-rx-");
        this.handle = handle;
        this.ownMac = ownMac;
    }

    /** Opens {@code interfaceName} with no capture filter and no MAC fallback; see {@link #open(String, int, String, byte[])}. */
    public static PcapLiveDevice open(String interfaceName, int mtu) {
        return open(interfaceName, mtu, null, null);
    }

    /**
     * Opens an existing interface in promiscuous mode.
     *
     * @param interfaceName the interface, e.g. {@code veth1}; it must be an Ethernet interface
     * @param mtu           the IP MTU the stack should assume (the interface's own MTU is not changed)
     * @param bpfFilter     a capture filter such as {@code arp or host 10.0.0.2}, or {@code null} for all frames
     * @param ownMac        our 6-byte MAC, used to skip our own frames only if direction filtering is
     *                      unavailable; {@code null} to rely on direction filtering alone
     * @throws DeviceException if libpcap cannot open the interface, it is not Ethernet, or the filter is invalid
     */
    public static PcapLiveDevice open(String interfaceName, int mtu, String bpfFilter, byte[] ownMac) {
        if (ownMac != null && ownMac.length != 6) {
            throw new DeviceException("own MAC must be 6 bytes, got " + ownMac.length);
        }
        PcapHandle handle;
        try {
            handle = new PcapHandle.Builder(interfaceName)
                    .snaplen(SNAPLEN)
                    .promiscuousMode(PromiscuousMode.PROMISCUOUS)
                    .timeoutMillis(READ_TIMEOUT_MILLIS)
                    // Without immediate mode, Linux batches frames in ring blocks and the stack sees them late.
                    .immediateMode(true)
                    .build();
        } catch (PcapNativeException e) {
            throw new DeviceException("cannot open pcap on " + interfaceName + ": " + e.getMessage(), e);
        }
        try {
            configure(handle, interfaceName, bpfFilter);
            boolean inboundOnly = restrictToInbound(handle, interfaceName, ownMac);
            return new PcapLiveDevice(interfaceName, mtu, handle, inboundOnly ? null : copyOrNull(ownMac));
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    private static void configure(PcapHandle handle, String interfaceName, String bpfFilter) {
        if (!DataLinkType.EN10MB.equals(handle.getDlt())) {
            throw new DeviceException(interfaceName + " is not an Ethernet interface (link type "
                    + handle.getDlt() + ")");
        }
        if (bpfFilter == null) {
            return;
        }
        try {
            handle.setFilter(bpfFilter, BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            throw new DeviceException("invalid capture filter \"" + bpfFilter + "\" on " + interfaceName + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean restrictToInbound(PcapHandle handle, String interfaceName, byte[] ownMac) {
        try {
            handle.setDirection(PcapDirection.IN);
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            LOG.warn("{}: cannot capture inbound frames only ({}); {}", interfaceName, e.getMessage(),
                    ownMac != null ? "skipping frames from our own MAC instead" : "our own frames will echo back");
            return false;
        }
    }

    private static byte[] copyOrNull(byte[] mac) {
        return mac == null ? null : mac.clone();
    }





    @Override
    Runnable readerBody(FrameReceiver receiver) {
        return () -> readLoop(receiver);
    }

    @Override
    void release() {
        handle.close();
    }

    private void readLoop(FrameReceiver receiver) {
        while (!closed) {
            byte[] raw;
            try {
                raw = handle.getNextRawPacketEx();
            } catch (TimeoutException e) {
                continue;
            } catch (EOFException | NotOpenException e) {
                // EOFException is how pcap4j reports pcap_breakloop (PCAP_ERROR_BREAK) from close().
                return;
            } catch (PcapNativeException e) {
                // Live capture errors mean the interface went down or away; retrying would spin.
                counters.readError();
                LOG.warn("{}: capture failed ({}); reader stops", name, e.getMessage());
                return;
            }
            if (ownMac != null && isFromOwnMac(raw)) {
                continue;
            }
            ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(raw.length);
            frame.writeBytes(raw);
            FrameDelivery.deliver(name, receiver, frame, counters);
        }
    }

    private boolean isFromOwnMac(byte[] raw) {
        return raw.length >= 12 && Arrays.equals(raw, 6, 12, ownMac, 0, 6);
    }

    /** Sends one frame with pcap_sendpacket; counts it as dropped if libpcap refuses it. */
    @Override
    public void transmit(ByteBuf frame) {
        try {
            int length = frame.readableBytes();
            if (closed || length > transmitScratch.length) {
                counters.dropped();
                return;
            }
            frame.getBytes(frame.readerIndex(), transmitScratch, 0, length);
            handle.sendPacket(transmitScratch, length);
            counters.sent();
        } catch (PcapNativeException | NotOpenException e) {
            counters.dropped();
            LOG.debug("{}: dropped a frame: {}", name, e.getMessage());
        } finally {
            frame.release();
        }
    }


    /**
     * libpcap 1.10 on Linux ignores the read timeout in immediate mode and blocks in poll(2) until a frame comes;
     * pcap_breakloop signals the eventfd that poll also watches, so the pending read returns at once.
     */
    @Override
    void wakeReader() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // Already closed: the reader has nothing left to wait on.
        }
    }

    @Override
    public String toString() {
        return "PcapLiveDevice[" + name + ", mtu " + mtu + ", " + counters + "]";
    }
}
