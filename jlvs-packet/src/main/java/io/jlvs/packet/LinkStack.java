package io.jlvs.packet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * How the director's links are stacked, as sysfs lists it: a VLAN, macvlan, bond or bridge has an entry
 * {@code lower_DEVICE} for each device under it in {@code /sys/class/net/NAME}.
 */
final class LinkStack {
    static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    private LinkStack() {
    }

    /** {@code links} and every device under each, depth first, each once. */
    static List<String> withLowerDevices(Path sysClassNet, List<String> links) {
        Set<String> out = new LinkedHashSet<>();
        for (String link : links) {
            addWithLower(sysClassNet, link, out);
        }
        return List.copyOf(out);
    }

    /**
     * Why {@code links} cannot all be data-plane links, when one is stacked on another: a packet socket on
     * the lower device sees every frame of the upper one too (a VLAN's with its tag, a macvlan's addressed
     * to another MAC, a bridge port's), so each would be handled twice.
     */
    static Optional<String> overlap(Path sysClassNet, List<String> links) {
        Set<String> seen = new LinkedHashSet<>();
        for (String link : links) {
            if (!seen.add(link)) {
                return Optional.of(link + " is given twice: each frame would be handled twice");
            }
        }
        for (String link : links) {
            List<String> under = withLowerDevices(sysClassNet, List.of(link));
            for (String lower : under.subList(1, under.size())) {
                if (links.contains(lower)) {
                    return Optional.of(link + " is stacked on " + lower + ", which is listed too: each frame would be "
                            + "handled twice; give only one of them");
                }
            }
        }
        return Optional.empty();
    }

    private static void addWithLower(Path sys, String link, Set<String> out) {
        if (!out.add(link)) {
            return;
        }
        try (Stream<Path> entries = Files.list(sys.resolve(link))) {
            for (String name : entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("lower_"))
                    .sorted().toList()) {
                addWithLower(sys, name.substring("lower_".length()), out);
            }
        } catch (IOException | UncheckedIOException e) {
            // no such device in sysfs (or no sysfs): the link alone
        }
    }
}
