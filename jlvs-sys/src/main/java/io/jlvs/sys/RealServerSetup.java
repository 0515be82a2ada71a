package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prepares a DR or TUN real server as the LVS-DR howtos do: the virtual address on {@code lo} as a /32, and
 * ARP kept from answering or announcing it ({@code arp_ignore=1}, {@code arp_announce=2} for {@code all} and
 * every interface with an IPv4 address). What it changes is written to state files, so {@link #undo} reverts
 * exactly that: {@code rs-setup-VIP} (whether the address was added) and {@code rs-setup-sysctl} (the prior
 * value of every sysctl it changed, restored when the last virtual address is undone). Failures are
 * {@link IllegalStateException}s with a one-line message, or {@link NativeIoException}s from rtnetlink.
 */
public final class RealServerSetup {
    private static final String LOOPBACK = "lo";
    private static final String SYSCTL_STATE = "rs-setup-sysctl";
    private static final String VIP_STATE = "rs-setup-";

    private final Path procSys;
    private final Path stateDir;

    /**
     * @param procSys  the sysctl tree, {@code /proc/sys}
     * @param stateDir where the state files live, {@code /run/jlvs}
     */
    public RealServerSetup(Path procSys, Path stateDir) {
        this.procSys = procSys;
        this.stateDir = stateDir;
    }

    private Path vipState(IpAddress vip) {
        return stateDir.resolve(VIP_STATE + vip);
    }

    /** Whether {@link #apply} has run for {@code vip} and {@link #undo} has not. */
    public boolean isApplied(IpAddress vip) {
        return Files.exists(vipState(vip));
    }

    /** Sets {@code vip} up; returns one line per change made (empty when all was already in place). */
    public List<String> apply(IpAddress vip) {
        requireV4(vip);
        List<String> done = new ArrayList<>();
        boolean added;
        // applied twice: the first run's record of who added the address stands
        boolean addedBefore = "added".equals(readState(vipState(vip)).get("address"));
        List<String> interfaces = new ArrayList<>();
        try (RtNetlink nl = RtNetlink.open()) {
            LinkInfo lo = nl.link(LOOPBACK).orElseThrow(() -> new IllegalStateException("no interface lo"));
            List<LinkInfo> links = nl.links();
            List<InterfaceAddress> addresses = nl.addresses();
            added = addresses.stream().noneMatch(a -> a.address().equals(vip));
            for (LinkInfo l : links) {
                if (l.index() != lo.index() && addresses.stream().anyMatch(a -> a.interfaceIndex() == l.index())) {
                    interfaces.add(l.name());
                }
            }
            Map<String, String> wanted = new LinkedHashMap<>();
            wanted.put("net/ipv4/conf/all/arp_ignore", "1");
            wanted.put("net/ipv4/conf/all/arp_announce", "2");
            for (String i : interfaces) {
                wanted.put("net/ipv4/conf/" + i + "/arp_ignore", "1");
                wanted.put("net/ipv4/conf/" + i + "/arp_announce", "2");
            }
            Map<String, String> prior = readState(stateDir.resolve(SYSCTL_STATE));
            for (Map.Entry<String, String> w : wanted.entrySet()) {
                String now = readSysctl(w.getKey());
                if (!now.equals(w.getValue())) {
                    prior.putIfAbsent(w.getKey(), now);
                    writeState(stateDir.resolve(SYSCTL_STATE), prior);
                    writeSysctl(w.getKey(), w.getValue());
                    done.add(w.getKey().replace('/', '.') + " = " + w.getValue() + " (was " + now + ")");
                }
            }
            if (added) {
                nl.addAddress(lo.index(), vip, 32, null);
                done.add("address " + vip + "/32 added to lo");
            }
        }
        writeState(vipState(vip), Map.of("address", added || addedBefore ? "added" : "present"));
        return done;
    }

    /** Reverts what {@link #apply} changed for {@code vip}; returns one line per change reverted. */
    public List<String> undo(IpAddress vip) {
        requireV4(vip);
        Path state = vipState(vip);
        if (!Files.exists(state)) {
            throw new IllegalStateException(vip + " is not set up here (no " + state + ")");
        }
        List<String> done = new ArrayList<>();
        if ("added".equals(readState(state).get("address"))) {
            try (RtNetlink nl = RtNetlink.open()) {
                LinkInfo lo = nl.link(LOOPBACK).orElseThrow(() -> new IllegalStateException("no interface lo"));
                if (nl.addresses().stream().anyMatch(a -> a.interfaceIndex() == lo.index() && a.address().equals(vip))) {
                    nl.deleteAddress(lo.index(), vip, 32);
                    done.add("address " + vip + "/32 removed from lo");
                } else {
                    done.add("address " + vip + "/32 was no longer on lo");
                }
            }
        }
        delete(state);
        if (otherVipStates()) {
            return done;
        }
        Path sysctls = stateDir.resolve(SYSCTL_STATE);
        for (Map.Entry<String, String> p : readState(sysctls).entrySet()) {
            if (Files.exists(procSys.resolve(p.getKey()))) {
                writeSysctl(p.getKey(), p.getValue());
                done.add(p.getKey().replace('/', '.') + " = " + p.getValue() + " (restored)");
            }
        }
        delete(sysctls);
        return done;
    }

    private boolean otherVipStates() {
        if (!Files.isDirectory(stateDir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.map(f -> f.getFileName().toString())
                    .anyMatch(n -> n.startsWith(VIP_STATE) && !n.equals(SYSCTL_STATE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireV4(IpAddress vip) {
        if (!vip.isV4()) {
            throw new IllegalStateException("only IPv4 virtual addresses are supported: " + vip);
        }
    }

    private String readSysctl(String key) {
        Path p = procSys.resolve(key);
        try {
            return Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private void writeSysctl(String key, String value) {
        Path p = procSys.resolve(key);
        try {
            Files.writeString(p, value + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> readState(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && !f[0].startsWith("#")) {
                    out.put(f[0], f[1]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void writeState(Path file, Map<String, String> values) {
        StringBuilder b = new StringBuilder("# written by jlvs rs-setup; jlvs rs-setup --undo reads it\n");
        values.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
        try {
            Files.createDirectories(stateDir);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
