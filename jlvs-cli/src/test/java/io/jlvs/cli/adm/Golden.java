package io.jlvs.cli.adm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under src/test/resources/adm/. Run with -Djlvsadm.golden.update=true to rewrite them from the
 * current output (then review the diff by eye against ipvsadm's printf formats).
 */
final class Golden {
    private Golden() {
    }

    static void assertMatches(String name, String actual) {
        if (Boolean.getBoolean("jlvsadm.golden.update")) {
            try {
                Path p = Path.of("src/test/resources/adm", name);
                Files.createDirectories(p.getParent());
                Files.writeString(p, actual, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        assertThat(actual).as("golden file adm/%s", name).isEqualTo(read(name));
    }

    static String read(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/adm/" + name)) {
            if (in == null) {
                throw new AssertionError("missing golden file adm/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
