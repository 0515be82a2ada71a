package io.jlvs.cli.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from the Maven descriptor in the jar ("dev" when run from classes). */
public final class JlvsVersion {
    private static final String DESCRIPTOR = "/META-INF/maven/io.jlvs/jlvs-cli/pom.properties";

    private JlvsVersion() {
    }

    public static String text() {
        try (InputStream in = JlvsVersion.class.getResourceAsStream(DESCRIPTOR)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through
        }
        String manifest = JlvsVersion.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : "dev";
    }
}
