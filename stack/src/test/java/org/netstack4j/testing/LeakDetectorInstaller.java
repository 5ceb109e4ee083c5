package org.netstack4j.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the recording leak detector when the test launcher starts, before any engine (Jupiter or jqwik)
 * loads a test class that could load Netty's buffer classes first.
 */
public final class LeakDetectorInstaller implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        LeakDetectorExtension.install();
    }
}
