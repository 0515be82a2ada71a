package io.jlvs.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The test corpus (src/test/resources/corpus) and the divergences docs/keepalived-conf.md lists. */
final class Corpus {
    static final Path ROOT = Path.of("src/test/resources/corpus");
    static final Path DOC = Path.of("../docs/keepalived-conf.md");
    static final String CONFIG_ID = "testhost";
    /** The lab namespace's interface (up), and that unit tests pretend exists. */
    static final String IFACE = "eth0";
    /** Its veth peer, also in the lab namespace (down, no address): an interface that exists but is not up. */
    static final String PEER = "eth1";

    private Corpus() {
    }

    /** Top-level *.conf files of valid/ and invalid/, as paths relative to the corpus root. */
    static List<String> files() {
        try (Stream<Path> s = Stream.concat(Files.list(ROOT.resolve("valid")), Files.list(ROOT.resolve("invalid")))) {
            return s.filter(p -> p.toString().endsWith(".conf"))
                    .map(p -> ROOT.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Corpus files on which jlvs deliberately reaches the other verdict than keepalived (from the doc's table). */
    static Set<String> divergences() {
        try {
            Set<String> out = new TreeSet<>();
            for (String line : Files.readAllLines(DOC)) {
                if (line.startsWith("| `valid/") || line.startsWith("| `invalid/")) {
                    out.add(line.substring(3, line.indexOf('`', 3)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KeepalivedParser parser() {
        return new KeepalivedParser(CONFIG_ID, HostInterfaces.of(Set.of(IFACE, PEER)), 7);
    }

    static ParseResult parse(String relative) {
        return parser().parse(ROOT.resolve(relative));
    }

    /** What keepalived's author of the corpus file meant: valid/ accepted, invalid/ rejected. */
    static boolean meantValid(String relative) {
        return relative.startsWith("valid/");
    }
}
