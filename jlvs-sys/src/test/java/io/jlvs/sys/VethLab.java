package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One namespace linked to the root namespace by a veth pair, on a /24 picked from this JVM's pid so that
 * concurrent test runs never share a subnet. The AF_PACKET socket under test opens on the root side
 * ({@link #host}); traffic is generated inside the namespace.
 */
final class VethLab implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    final NetnsLab lab = new NetnsLab();
    final String ns;
    final String host;
    final String peer;
    final String net;
    final IpAddress hostAddr;
    final IpAddress nsAddr;

    private VethLab() throws IOException {
        long pid = ProcessHandle.current().pid();
        int h = (int) ((pid * 31 + SEQ.incrementAndGet()) & 0x3fff);
        this.net = "10." + (160 + (h >>> 8)) + "." + (h & 0xff) + ".";
        try {
            this.ns = lab.namespace("sys");
            this.host = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            this.peer = peerName();
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        this.hostAddr = IpAddress.parse(net + "1");
        this.nsAddr = IpAddress.parse(net + "2");
    }

    /** Skips (or fails under JLVS_REQUIRE_LAB=1) unless namespaces can be made, then makes one. */
    static VethLab create() throws IOException {
        Lab.requireNetns();
        Lab.requireCommand("ping", "iputils-ping");
        return new VethLab();
    }

    IpAddress addr(int lastOctet) {
        return IpAddress.parse(net + lastOctet);
    }

    private String peerName() throws IOException {
        for (String line : lab.exec(ns, "ip", "-o", "link", "show").orThrow("ip link").output().split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1 && !f[1].equals("lo")) {
                return f[1].split("@")[0];
            }
        }
        throw new IOException("no veth peer in " + ns);
    }

    /** Runs a command inside the namespace and returns its output; fails on a non-zero exit. */
    String inNs(String... argv) throws IOException {
        return lab.exec(ns, argv).orThrow(String.join(" ", argv)).output();
    }

    /** Runs a command inside the namespace, ignoring its exit code (e.g. ping with losses). */
    Shell.Result tryInNs(String... argv) throws IOException {
        return lab.exec(ns, argv);
    }

    /** The peer interface's MAC as the low 48 bits. */
    long peerMac() throws IOException {
        return parseMac(inNs("cat", "/sys/class/net/" + peer + "/address").strip());
    }

    long peerCounter(String name) throws IOException {
        return Long.parseLong(inNs("cat", "/sys/class/net/" + peer + "/statistics/" + name).strip());
    }

    Process startInNs(List<String> argv) throws IOException {
        return lab.start(ns, argv, null);
    }

    static long parseMac(String text) {
        long mac = 0;
        for (String part : text.split(":")) {
            mac = (mac << 8) | Integer.parseInt(part, 16);
        }
        return mac;
    }

    @Override
    public void close() {
        lab.close();
    }
}
