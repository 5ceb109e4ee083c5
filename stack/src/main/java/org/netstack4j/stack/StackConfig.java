package org.netstack4j.stack;

import java.time.Duration;
import java.util.Objects;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * How one stack is set up: its interface (MAC, IPv4 address and prefix, gateway, MTU) and the limits and
 * timers of each layer. Defaults follow Linux where Linux has a documented default (noted per field), so
 * that the stack behaves like a kernel a user already knows.
 */
public final class StackConfig {
    private final MacAddress mac;
    private final Ipv4Address address;
    private final int prefixLength;
    private final Ipv4Address gateway;
    private final int mtu;
    private final Duration arpEntryLifetime;
    private final Duration arpRetryInterval;
    private final int arpMaxRetries;
    private final int arpQueueBytesPerEntry;
    private final Duration reassemblyTimeout;
    private final int reassemblyMaxTotalBytes;
    private final int icmpErrorsPerSecond;
    private final int icmpErrorBurst;
    private final int udpDefaultReceiveBuffer;
    private final int udpDefaultSendBuffer;
    private final int ephemeralPortLow;
    private final int ephemeralPortHigh;
    private final int defaultTtl;
    private final long seed;
    private final org.netstack4j.tcp.TcpProfile tcpProfile;

    private StackConfig(Builder b) {
        this.mac = Objects.requireNonNull(b.mac, "mac");
        this.address = Objects.requireNonNull(b.address, "address");
        this.prefixLength = b.prefixLength;
        this.gateway = b.gateway;
        this.mtu = b.mtu;
        this.arpEntryLifetime = b.arpEntryLifetime;
        this.arpRetryInterval = b.arpRetryInterval;
        this.arpMaxRetries = b.arpMaxRetries;
        this.arpQueueBytesPerEntry = b.arpQueueBytesPerEntry;
        this.reassemblyTimeout = b.reassemblyTimeout;
        this.reassemblyMaxTotalBytes = b.reassemblyMaxTotalBytes;
        this.icmpErrorsPerSecond = b.icmpErrorsPerSecond;
        this.icmpErrorBurst = b.icmpErrorBurst;
        this.udpDefaultReceiveBuffer = b.udpDefaultReceiveBuffer;
        this.udpDefaultSendBuffer = b.udpDefaultSendBuffer;
        this.ephemeralPortLow = b.ephemeralPortLow;
        this.ephemeralPortHigh = b.ephemeralPortHigh;
        this.defaultTtl = b.defaultTtl;
        this.seed = b.seed;
        this.tcpProfile = b.tcpProfile;
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLength);
        }
        if (mtu != 0 && (mtu < 576 || mtu > 65535)) {
            throw new IllegalArgumentException("MTU must be 576..65535, got " + mtu);
        }
        if (ephemeralPortLow < 1024 || ephemeralPortHigh > 65535 || ephemeralPortLow > ephemeralPortHigh) {
            throw new IllegalArgumentException("bad ephemeral port range " + ephemeralPortLow + "-" + ephemeralPortHigh);
        }
        if (gateway != null && !gateway.sameSubnet(address, prefixLength)) {
            throw new IllegalArgumentException("gateway " + gateway + " is not inside " + address + "/" + prefixLength);
        }
    }

    /** A builder for an interface with the given MAC, address and prefix length. */
    public static Builder builder(MacAddress mac, Ipv4Address address, int prefixLength) {
        return new Builder(mac, address, prefixLength);
    }

    /** The interface's MAC address. */
    public MacAddress mac() {
        return mac;
    }

    /** The interface's IPv4 address. */
    public Ipv4Address address() {
        return address;
    }

    /** The subnet prefix length. */
    public int prefixLength() {
        return prefixLength;
    }

    /** The default gateway, or null when only the subnet is reachable. */
    public Ipv4Address gateway() {
        return gateway;
    }

    /** The IP MTU, or 0 to take the device's. */
    public int mtu() {
        return mtu;
    }

    /** How long a resolved ARP entry is trusted (Linux: gc_stale_time 60 s). */
    public Duration arpEntryLifetime() {
        return arpEntryLifetime;
    }

    /** Time between ARP requests for an unresolved address (Linux: retrans_time 1 s). */
    public Duration arpRetryInterval() {
        return arpRetryInterval;
    }

    /** ARP requests sent before giving up (Linux: mcast_solicit 3). */
    public int arpMaxRetries() {
        return arpMaxRetries;
    }

    /** Bytes of packets that may wait for one unresolved address (Linux: unres_qlen_bytes 212992). */
    public int arpQueueBytesPerEntry() {
        return arpQueueBytesPerEntry;
    }

    /** How long an incomplete datagram is kept (Linux: ipfrag_time 30 s). */
    public Duration reassemblyTimeout() {
        return reassemblyTimeout;
    }

    /** Bytes all incomplete datagrams may hold together (Linux: ipfrag_high_thresh 4 MiB). */
    public int reassemblyMaxTotalBytes() {
        return reassemblyMaxTotalBytes;
    }

    /** Sustained rate of ICMP error messages (Linux: icmp_msgs_per_sec 1000). */
    public int icmpErrorsPerSecond() {
        return icmpErrorsPerSecond;
    }

    /** Burst of ICMP error messages (Linux: icmp_msgs_burst 50). */
    public int icmpErrorBurst() {
        return icmpErrorBurst;
    }

    /** SO_RCVBUF of a new UDP socket (Linux: rmem_default 212992). */
    public int udpDefaultReceiveBuffer() {
        return udpDefaultReceiveBuffer;
    }

    /** SO_SNDBUF of a new UDP socket (Linux: wmem_default 212992). */
    public int udpDefaultSendBuffer() {
        return udpDefaultSendBuffer;
    }

    /** Lowest ephemeral port (Linux: ip_local_port_range 32768). */
    public int ephemeralPortLow() {
        return ephemeralPortLow;
    }

    /** Highest ephemeral port (Linux: ip_local_port_range 60999). */
    public int ephemeralPortHigh() {
        return ephemeralPortHigh;
    }

    /** TTL of packets we originate (Linux: ip_default_ttl 64). */
    public int defaultTtl() {
        return defaultTtl;
    }

    /** Seed of every random choice (ports, IP identification, the ISN key), for reproducible runs. */
    public long seed() {
        return seed;
    }

    /** The TCP profile: Linux's observable defaults or the RFCs' recommendations. */
    public org.netstack4j.tcp.TcpProfile tcpProfile() {
        return tcpProfile;
    }

    /** Builds a {@link StackConfig}; every setter has a Linux-like default. */
    public static final class Builder {
        private final MacAddress mac;
        private final Ipv4Address address;
        private final int prefixLength;
        private Ipv4Address gateway;
        private int mtu;
        private Duration arpEntryLifetime = Duration.ofSeconds(60);
        private Duration arpRetryInterval = Duration.ofSeconds(1);
        private int arpMaxRetries = 3;
        private int arpQueueBytesPerEntry = 212_992;
        private Duration reassemblyTimeout = Duration.ofSeconds(30);
        private int reassemblyMaxTotalBytes = 4 * 1024 * 1024;
        private int icmpErrorsPerSecond = 1000;
        private int icmpErrorBurst = 50;
        private int udpDefaultReceiveBuffer = 212_992;
        private int udpDefaultSendBuffer = 212_992;
        private int ephemeralPortLow = 32768;
        private int ephemeralPortHigh = 60999;
        private int defaultTtl = 64;
        private long seed = 1;
        private org.netstack4j.tcp.TcpProfile tcpProfile = org.netstack4j.tcp.TcpProfile.LINUX;

        private Builder(MacAddress mac, Ipv4Address address, int prefixLength) {
            this.mac = mac;
            this.address = address;
            this.prefixLength = prefixLength;
        }

        /** Sets the default gateway (null for none). */
        public Builder gateway(Ipv4Address v) {
            gateway = v;
            return this;
        }

        /** Sets the IP MTU (0: the device's). */
        public Builder mtu(int v) {
            mtu = v;
            return this;
        }

        /** Sets ARP entry lifetime, retry interval and retry count. */
        public Builder arp(Duration lifetime, Duration retryInterval, int maxRetries) {
            arpEntryLifetime = lifetime;
            arpRetryInterval = retryInterval;
            arpMaxRetries = maxRetries;
            return this;
        }

        /** Sets the bytes that may wait for one unresolved address. */
        public Builder arpQueueBytesPerEntry(int v) {
            arpQueueBytesPerEntry = v;
            return this;
        }

        /** Sets the reassembly timeout and the total byte cap. */
        public Builder reassembly(Duration timeout, int maxTotalBytes) {
            reassemblyTimeout = timeout;
            reassemblyMaxTotalBytes = maxTotalBytes;
            return this;
        }

        /** Sets the ICMP error rate limit. */
        public Builder icmpErrorRate(int perSecond, int burst) {
            icmpErrorsPerSecond = perSecond;
            icmpErrorBurst = burst;
            return this;
        }

        /** Sets the default UDP socket buffer sizes. */
        public Builder udpBuffers(int receive, int send) {
            udpDefaultReceiveBuffer = receive;
            udpDefaultSendBuffer = send;
            return this;
        }

        /** Sets the ephemeral port range. */
        public Builder ephemeralPorts(int low, int high) {
            ephemeralPortLow = low;
            ephemeralPortHigh = high;
            return this;
        }

        /** Sets the TTL of packets we originate. */
        public Builder defaultTtl(int v) {
            defaultTtl = v;
            return this;
        }

        /** Sets the seed of all random choices. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Sets the TCP profile. */
        public Builder tcpProfile(org.netstack4j.tcp.TcpProfile v) {
            tcpProfile = v;
            return this;
        }

        /** The finished configuration; throws IllegalArgumentException naming the bad value. */
        public StackConfig build() {
            return new StackConfig(this);
        }
    }
}
