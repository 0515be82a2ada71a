package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The corpus uses every keyword of the keyword tables, except those keepalived -t judges by the host. */
class KeywordCoverageTest {
    /** Keywords whose check depends on the machine (namespaces, VMAC/ipvlan/VRF devices, iptables, pid dirs). */
    private static final Set<String> HOST_DEPENDENT = Set.of("config_save_dir", "full_command", "instance",
            "linkbeat_use_polling", "namespace_with_ipsets", "native_ipv6", "net_namespace", "net_namespace_ipvs",
            "reload_file", "use_ipvlan", "use_pid_dir", "use_vmac", "use_vmac_addr", "vmac_xmit_base", "vrf",
            "vrrp_iptables");

    @Test
    void everyKeywordAppearsInTheCorpus() throws IOException {
        Set<String> keywords = new TreeSet<>();
        collect(RootKeywords.table(), keywords, new HashSet<>());
        Set<String> words = new HashSet<>();
        try (Stream<Path> files = Files.walk(Corpus.ROOT)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                words.addAll(List.of(Files.readString(p).split("[\\s{}\"]+")));
            }
        }
        assertThat(keywords).hasSizeGreaterThan(300);
        assertThat(keywords.stream().filter(k -> !words.contains(k) && !HOST_DEPENDENT.contains(k)).toList()).isEmpty();
    }

    private static void collect(KeywordTable t, Set<String> out, Set<KeywordTable> seen) {
        if (!seen.add(t)) {
            return;
        }
        for (Keyword k : t.all()) {
            out.add(k.name());
            if (k.sub() != null) {
                collect(k.sub(), out, seen);
            }
        }
    }
}
