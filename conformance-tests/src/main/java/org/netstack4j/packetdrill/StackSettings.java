package org.netstack4j.packetdrill;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import org.netstack4j.stack.NetStack;
import org.netstack4j.stack.StackConfig;
import org.netstack4j.tcp.TcpProfile;
import org.netstack4j.wire.MacAddress;

/**
 * The stack settings a script asks for through sysctls, on top of the {@code linux} profile, and how they are
 * applied to a fresh stack.
 */
final class StackSettings {
    private TcpProfile profile = TcpProfile.LINUX;
    private int tcpReceiveBuffer = -1;
    private int tcpSendBuffer = -1;
    private int udpReceiveBuffer = 212_992;
    private int udpSendBuffer = 212_992;

    /** Sets one field of the TCP profile by its record component name. */
    void profile(String component, Object value) {
        try {
            RecordComponent[] parts = TcpProfile.class.getRecordComponents();
            Object[] args = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                args[i] = parts[i].getName().equals(component) ? value : parts[i].getAccessor().invoke(profile);
            }
            Constructor<TcpProfile> c = TcpProfile.class.getDeclaredConstructor(types);
            profile = c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("TcpProfile has no component " + component, e);
        }
    }

    void profileSeconds(String component, long seconds) {
        profile(component, Duration.ofSeconds(seconds));
    }

    void tcpBuffers(int receive, int send) {
        if (receive > 0) {
            tcpReceiveBuffer = receive;
        }
        if (send > 0) {
            tcpSendBuffer = send;
        }
    }

    void udpBuffers(int receive, int send) {
        if (receive > 0) {
            udpReceiveBuffer = receive;
        }
        if (send > 0) {
            udpSendBuffer = send;
        }
    }

    TcpProfile profile() {
        return profile;
    }

    /** The stack configuration for {@code config}. */
    StackConfig stackConfig(RunnerConfig config) {
        return StackConfig.builder(new MacAddress(VirtualHost.STACK_MAC), config.localIp(), config.prefixLength())
                .gateway(config.gatewayIp().sameSubnet(config.localIp(), config.prefixLength()) ? config.gatewayIp() : null)
                .mtu(config.mtu())
                .tcpProfile(profile)
                .udpBuffers(udpReceiveBuffer, udpSendBuffer)
                .build();
    }

    /** Applies what the configuration cannot carry to a started stack. */
    void applyTo(NetStack stack) {
        if (tcpReceiveBuffer > 0 || tcpSendBuffer > 0) {
            stack.tcp().setDefaultBuffers(tcpReceiveBuffer > 0 ? tcpReceiveBuffer : stack.tcp().defaultReceiveBuffer(),
                    tcpSendBuffer > 0 ? tcpSendBuffer : stack.tcp().defaultSendBuffer());
        }
    }
}
