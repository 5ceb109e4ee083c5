package org.netstack4j.interop.container;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.netstack4j.interop.KernelPeer;

/**
 * JUnit 5 extension behind {@link ContainerPeer}.
 *
 * <ul>
 *   <li>Before each test: skips it, with the reason in the message, unless it runs as root with /dev/net/tun
 *       and a Docker engine answers with the environment Testcontainers needs ({@link ContainerEngine}).</li>
 *   <li>Resolves a {@link BusyboxPeer} parameter: a fresh peer per test. The image is built once per run and
 *       kept in the root context's store; the peer in the test's store. JUnit closes what its stores hold when
 *       the test (or, for the image, the whole run) ends, whether it passed or failed — so containers,
 *       networks, the TAP and finally the image are removed.</li>
 * </ul>
 */
public final class BusyboxPeerExtension implements BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BusyboxPeerExtension.class);
    private static volatile boolean toldWhy;

    @Override
    public void beforeEach(ExtensionContext context) {
        KernelPeer.assumeTapPossible();
        Optional<String> why = ContainerEngine.unavailableReason();
        if (why.isPresent() && !toldWhy) {
            // Surefire puts a skip's reason in its report only; say it once where people look.
            toldWhy = true;
            System.out.println("[container interop tests] skipped: " + why.get());
        }
        assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElse("") + "; container interop tests need it");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BusyboxPeer.class;
    }

    @Override
    public BusyboxPeer resolveParameter(ParameterContext parameter, ExtensionContext context) {
        BusyboxImage image = context.getRoot().getStore(NS)
                .getOrComputeIfAbsent(BusyboxImage.class, k -> BusyboxImage.build(), BusyboxImage.class);
        String capture = KernelPeer.captureName(context.getTestClass(), context.getTestMethod(),
                context.getDisplayName());
        BusyboxPeer peer = BusyboxPeer.start(image, KernelPeer.PCAP_DIR.resolve(capture));
        context.getStore(NS).put(BusyboxPeer.class, peer);
        return peer;
    }
}
