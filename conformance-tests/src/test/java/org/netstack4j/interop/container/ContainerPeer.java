package org.netstack4j.interop.container;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class whose tests take a {@link BusyboxPeer} parameter: each test gets a fresh busybox container
 * on a network of its own and a netstack4j stack on a TAP in that network (see {@link BusyboxPeerExtension}).
 * Tests are skipped, saying why, where no Docker engine, root or /dev/net/tun is available.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BusyboxPeerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang fails the test; the peer is still removed
public @interface ContainerPeer {
}
