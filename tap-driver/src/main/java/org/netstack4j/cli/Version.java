package org.netstack4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version {@code --version} prints: the one Maven put into the jar, or "development build". */
public final class Version implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/org.netstack4j/netstack4j-tap-driver/pom.properties";

    /** The version of this build. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }

    @Override
    public String[] getVersion() {
        return new String[] {"netstack4j " + current(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
