package io.jlvs.vrrp.lab;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Ethernet segment for the interop lab: a bridge in its own namespace and one namespace per node, each with
 * an {@code eth0} on the bridge, on a /24 inside 10.203.0.0/16 picked from this JVM's pid. Everything lives in
 * namespaces made here and goes with {@link #close()}.
 */
final class VrrpLan implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    final NetnsLab lab = new NetnsLab();
    final String net;
    private final String bridgeNs;
    private final List<Node> nodes = new ArrayList<>();
    final Path dir;

    /** A host on the segment. */
    record Node(String ns, IpAddress address, String mac) {
    }

    private VrrpLan(Path dir) throws IOException {
        this.dir = dir;
        int h = (int) ((ProcessHandle.current().pid() * 7 + SEQ.incrementAndGet()) % 250) + 1;
        this.net = "10.203." + h + ".";
        try {
            bridgeNs = lab.namespace("lan");
            ip(bridgeNs, "link", "add", "br0", "type", "bridge");
            ip(bridgeNs, "link", "set", "br0", "up");
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    static VrrpLan create(Path dir) throws IOException {
        Lab.requireNetns();
        Lab.requireCommand("keepalived", "keepalived");
        return new VrrpLan(dir);
    }

    IpAddress addr(int lastOctet) {
        return IpAddress.parse(net + lastOctet);
    }

    /** A namespace {@code name} with eth0 = net.lastOctet/24 on the bridge. */
    Node node(String name, int lastOctet) throws IOException {
        String ns = lab.namespace(name);
        String port = "p-" + name;
        ip(bridgeNs, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip(bridgeNs, "link", "set", port, "master", "br0");
        ip(bridgeNs, "link", "set", port, "up");
        ip(ns, "addr", "add", net + lastOctet + "/24", "dev", "eth0");
        ip(ns, "link", "set", "eth0", "up");
        String link = ip(ns, "-o", "link", "show", "eth0");
        String mac = link.replaceAll("(?s).*link/ether ([0-9a-f:]{17}).*", "$1");
        Node n = new Node(ns, addr(lastOctet), mac);
        nodes.add(n);
        return n;
    }

    /** The IPv6 prefix of this segment: fd00:203:N::/64, N the same as the IPv4 /24's third octet. */
    IpAddress addr6(int host) {
        return IpAddress.parse("fd00:203:" + net.split("\\.")[2] + "::" + Integer.toHexString(host));
    }

    /**
     * A namespace {@code name} with an IPv6-only eth0 on the bridge: its link-local address (made without duplicate
     * address detection, so usable at once) and, when {@code host} > 0, {@code addr6(host)/64} too.
     */
    Node node6(String name, int host) throws IOException {
        String ns = lab.namespace(name);
        String port = "p-" + name;
        ip(bridgeNs, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip(bridgeNs, "link", "set", port, "master", "br0");
        ip(bridgeNs, "link", "set", port, "up");
        sysctl(ns, "net.ipv6.conf.eth0.disable_ipv6", "0");
        sysctl(ns, "net.ipv6.conf.eth0.accept_dad", "0");
        IpAddress address = null;
        if (host > 0) {
            address = addr6(host);
            ip(ns, "-6", "addr", "add", address + "/64", "dev", "eth0", "nodad");
        }
        ip(ns, "link", "set", "eth0", "up");
        String link = ip(ns, "-o", "link", "show", "eth0");
        String mac = link.replaceAll("(?s).*link/ether ([0-9a-f:]{17}).*", "$1");
        org.awaitility.Awaitility.await(name + " link-local address").atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> ip(ns, "-o", "-6", "addr", "show", "dev", "eth0", "scope", "link").contains("fe80::"));
        Node n = new Node(ns, address, mac);
        nodes.add(n);
        return n;
    }

    /** True when the IPv6 {@code address} is on the node's eth0 ({@code ip -6 addr}). */
    boolean owns6(Node n, IpAddress address) throws IOException {
        return ip(n.ns(), "-o", "-6", "addr", "show", "dev", "eth0").contains(" " + address + "/");
    }

    /** The nodes that have the IPv6 {@code address}. */
    List<Node> owners6(IpAddress address) throws IOException {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (owns6(n, address)) {
                out.add(n);
            }
        }
        return out;
    }

    /** True when {@code address} is on the node's eth0. */
    boolean owns(Node n, IpAddress address) throws IOException {
        return ip(n.ns(), "-o", "-4", "addr", "show", "dev", "eth0").contains(" " + address + "/");
    }

    /** The nodes that have {@code address}. */
    List<Node> owners(IpAddress address) throws IOException {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (owns(n, address)) {
                out.add(n);
            }
        }
        return out;
    }

    /** The MAC the node's neighbour table has for {@code address}, or "" when it has none. */
    String neighbourMac(Node n, IpAddress address) throws IOException {
        String out = ip(n.ns(), "neigh", "show", address.toString(), "dev", "eth0");
        return out.contains("lladdr ") ? out.replaceAll("(?s).*lladdr ([0-9a-f:]{17}).*", "$1") : "";
    }

    String ip(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, 10).orThrow(String.join(" ", cmd)).output();
    }

    /** Sets a sysctl inside a namespace. */
    void sysctl(String ns, String key, String value) throws IOException {
        lab.exec(ns, "sysctl", "-q", "-w", key + "=" + value).orThrow("sysctl " + key);
    }

    /** Prints every log under {@link #dir} (call when the test failed). */
    void dumpLogs() {
        {
            try (var files = java.nio.file.Files.walk(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                    System.out.println("==== " + f + "\n" + java.nio.file.Files.readString(f));
                }
            } catch (IOException e) {
                System.out.println("cannot list logs: " + e);
            }
        }
    }

    @Override
    public void close() {
        lab.close();
    }
}
