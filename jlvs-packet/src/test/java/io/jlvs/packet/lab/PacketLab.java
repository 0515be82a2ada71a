package io.jlvs.packet.lab;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The packet lab: namespaces {@code cl} (client 10.77.0.10), {@code dir} (director 10.77.0.2 with the VIP
 * 10.77.0.100 on eth0; NAT: eth1 10.77.1.1), {@code rs1..3} running nginx, and {@code sw} holding the
 * bridges: br0 the client link, br1 the NAT real servers' link. DR and TUN real servers sit on br0 and are
 * prepared as {@code jlvs rs-setup} and {@code jlvs rs-tunnel} do it ({@link LabRealServerMain}: VIP on lo,
 * ARP hidden; TUN: IPIP, GUE or GRE decapsulated into a TUN device). The director is a child JVM
 * ({@link LabDirectorMain}) in {@code dir}. Offloads are off on every veth, as on a real NIC's wire every
 * frame carries its own checksum. Everything is removed by {@link #close} (NetnsLab), even on failure.
 */
final class PacketLab implements AutoCloseable {
    static final String VIP = "10.77.0.100";
    static final String DIRECTOR = "10.77.0.2";
    static final long BIG_BYTES = 100L * 1024 * 1024;
    /**
     * Option {@code jlvs.lab.ipv6=true}: IPv6 beside IPv4, a TCP service [VIP6]:80 to the same real servers; with
     * {@code jlvs.lab.vip6Unconfigured=true} VIP6 is no address of the director's (the data plane answers
     * neighbour solicitations for it: {@code jlvs.lab.answerArp=true}).
     */
    static final String VIP6 = "2001:db8:77::100";
    static final String DIRECTOR6 = "2001:db8:77::2";
    static final String CLIENT6 = "2001:db8:77::10";

    final NetnsLab lab = new NetnsLab();
    final String method;
    final Path dir;
    final List<String> servers = new ArrayList<>();
    /** The real servers' IPv6 addresses (option jlvs.lab.ipv6). */
    final List<String> servers6 = new ArrayList<>();
    final String cl;
    final String director;
    final String sw;
    final List<String> rs = new ArrayList<>();
    private final List<String> allNs = new ArrayList<>();
    private Process child;
    private PrintWriter toChild;
    private final BlockingQueue<String> fromChild = new LinkedBlockingQueue<>();
    private Process capture;
    final Path pcap;
    /** The director's data-plane variants, {@code jlvs.lab.*} names. */
    private final Map<String, String> options = new TreeMap<>();

    /**
     * The lab for {@code method}; the director runs with the data-plane variants in {@code options}
     * ({@code jlvs.lab.*} names, see LabDirectorMain.settings), over those given as system properties.
     */
    static PacketLab create(String method, Map<String, String> options) throws IOException {
        Lab.requireNetns();
        Lab.requireCommand("nginx", "nginx-light");
        Lab.requireCommand("curl", "curl");
        Lab.requireCommand("nft", "nftables");
        Lab.requireCommand("tcpdump", "tcpdump");
        Lab.requireCommand("ethtool", "ethtool");
        Lab.requireCommand("sha256sum", "coreutils");
        PacketLab l = new PacketLab(method, options);
        try {
            l.build();
            return l;
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private PacketLab(String method, Map<String, String> options) throws IOException {
        this.method = method;
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("jlvs.lab."))
                .forEach(k -> this.options.put(k, System.getProperty(k)));
        this.options.putAll(options);
        this.dir = Files.createTempDirectory("jlvs-packetlab");
        this.pcap = dir.resolve("client.pcap");
        this.sw = ns("sw");
        this.cl = ns("cl");
        this.director = ns("dir");
        for (int i = 1; i <= 3; i++) {
            rs.add(ns("rs" + i));
        }
    }

    private String ns(String name) throws IOException {
        String n = lab.namespace(name);
        allNs.add(n);
        return n;
    }

    boolean nat() {
        return method.equals("Masq");
    }

    private void sh(String ns, String... argv) throws IOException {
        lab.exec(ns, argv).orThrow(ns + ": " + String.join(" ", argv));
    }

    private void link(String ns, String dev, String swPort, String bridge) throws IOException {
        link(ns, dev, swPort, bridge, true);
    }

    private void link(String ns, String dev, String swPort, String bridge, boolean up) throws IOException {
        Shell.run(List.of("ip", "link", "add", dev, "netns", ns, "type", "veth", "peer", "name", swPort,
                "netns", sw), 30).orThrow("veth " + ns + "/" + dev);
        sh(sw, "ip", "link", "set", swPort, "master", bridge, "up");
        if (up) {
            sh(ns, "ip", "link", "set", dev, "up");
        }
        lab.exec(ns, "ethtool", "-K", dev, "tx", "off", "tso", "off", "gso", "off", "gro", "off");
        lab.exec(sw, "ethtool", "-K", swPort, "tx", "off", "tso", "off", "gso", "off", "gro", "off");
    }

    private void build() throws IOException {
        for (String br : List.of("br0", "br1")) {
            sh(sw, "ip", "link", "add", br, "type", "bridge");
            sh(sw, "ip", "link", "set", br, "up");
        }
        link(cl, "eth0", "pcl", "br0");
        sh(cl, "ip", "addr", "add", "10.77.0.10/24", "dev", "eth0");
        link(director, "eth0", "pd0", "br0");
        sh(director, "ip", "addr", "add", DIRECTOR + "/24", "dev", "eth0");
        sh(director, "ip", "addr", "add", VIP + "/32", "dev", "eth0");
        // forwarding on: without the kernel guard the director's kernel would forward NAT replies as they are
        sh(director, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        if (nat()) {
            link(director, "eth1", "pd1", "br1");
            sh(director, "ip", "addr", "add", "10.77.1.1/24", "dev", "eth1");
        }
        if (ipv6()) {
            // no duplicate address detection: the addresses are usable at once
            sh(cl, "ip", "-6", "addr", "add", CLIENT6 + "/64", "dev", "eth0", "nodad");
            sh(director, "ip", "-6", "addr", "add", DIRECTOR6 + "/64", "dev", "eth0", "nodad");
            if (!Boolean.parseBoolean(options.getOrDefault("jlvs.lab.vip6Unconfigured", "false"))) {
                sh(director, "ip", "-6", "addr", "add", VIP6 + "/128", "dev", "eth0", "nodad");
            }
            sh(director, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
            if (nat()) {
                sh(director, "ip", "-6", "addr", "add", "2001:db8:77:1::1/64", "dev", "eth1", "nodad");
            }
        }
        for (int i = 0; i < 3; i++) {
            String ns = rs.get(i);
            String addr = nat() ? "10.77.1.1" + (i + 1) : "10.77.0.1" + (i + 1);
            servers.add(addr);
            link(ns, "eth0", "pr" + (i + 1), nat() ? "br1" : "br0");
            sh(ns, "ip", "addr", "add", addr + "/24", "dev", "eth0");
            if (ipv6()) {
                String addr6 = (nat() ? "2001:db8:77:1::1" : "2001:db8:77::1") + (i + 1);
                servers6.add(addr6);
                sh(ns, "ip", "-6", "addr", "add", addr6 + "/64", "dev", "eth0", "nodad");
                if (nat()) {
                    sh(ns, "ip", "-6", "route", "add", "default", "via", "2001:db8:77:1::1");
                } else {
                    // DR: the VIP on lo; the kernel answers neighbour solicitations only for addresses of the
                    // interface asked on, so no arp_ignore is needed for IPv6
                    sh(ns, "ip", "-6", "addr", "add", VIP6 + "/128", "dev", "lo", "nodad");
                }
            }
            if (nat()) {
                sh(ns, "ip", "route", "add", "default", "via", "10.77.1.1");
            } else if (tunnel()) {
                startRealServerTunnel(i + 1, ns);
            } else {
                List<String> cmd = new ArrayList<>(java(LabRealServerMain.class));
                cmd.addAll(List.of("dr", VIP, dir.resolve("rs" + (i + 1) + "-state").toString()));
                sh(ns, cmd.toArray(String[]::new));
            }
            startNginx(i + 1, ns);
        }
        Path big = dir.resolve("www/big.bin");
        Shell.run(List.of("sh", "-c", "head -c " + BIG_BYTES + " /dev/urandom > " + big), 60).orThrow("big file");
        if (Boolean.parseBoolean(options.get("jlvs.lab.hostOffloads"))
                || Boolean.parseBoolean(options.get("jlvs.lab.segmentationOffloads"))) {
            hostOffloadsOn();
        }
        if (options.containsKey("jlvs.lab.mtu")) {
            mtu(options.get("jlvs.lab.mtu"));
        }
        String filter = "(src host " + VIP + " or src host " + DIRECTOR + ") and (icmp or tcp[tcpflags] & tcp-rst != 0)";
        if (ipv6()) {
            // ICMPv6 errors (types below 128; neighbour discovery is above) and TCP RSTs (no extension headers)
            filter = "(" + filter + ") or (ip6 and (src host " + VIP6 + " or src host " + DIRECTOR6
                    + ") and ((ip6[6] == 58 and ip6[40] < 128) or (ip6[6] == 6 and ip6[53] & 4 != 0)))";
        }
        capture = lab.start(cl, List.of("tcpdump", "-i", "eth0", "-nn", "--immediate-mode", "-U", "-w", pcap.toString(), filter),
                dir.resolve("tcpdump.log"));
        startDirector();
    }

    boolean tunnel() {
        return method.startsWith("Tunnel");
    }

    /** Option {@code jlvs.lab.ipv6=true}: IPv6 addresses and the [VIP6]:80 service too. */
    boolean ipv6() {
        return Boolean.parseBoolean(options.get("jlvs.lab.ipv6"));
    }

    private List<String> java(Class<?> main) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), main.getName());
    }

    /** TUN: the real server's VIP set-up and IPIP (or GUE, or GRE) decapsulation ({@link LabRealServerMain}), before nginx. */
    private void startRealServerTunnel(int n, String ns) throws IOException {
        List<String> cmd = new ArrayList<>(java(LabRealServerMain.class));
        // with IPv6, the IPv6 VIP too (the agent then also decapsulates IPv6-in-IPv6, or GRE over IPv6)
        cmd.addAll(List.of("tun", ipv6() ? VIP + "," + VIP6 : VIP, dir.resolve("rs" + n + "-state").toString()));
        if (method.equals("TunnelGue")) {
            cmd.add(String.valueOf(LabDirectorMain.GUE_PORT));
        } else if (method.startsWith("TunnelGre")) {
            cmd.add("gre");
        }
        Path log = dir.resolve("rs" + n + "-tunnel.log");
        lab.start(ns, cmd, log);
        try {
            org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(java.time.Duration.ofMillis(50))
                    .until(() -> Files.readString(log).contains("READY"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException("rs" + n + " tunnel did not start: " + Files.readString(log), e);
        }
    }

    private void startNginx(int n, String ns) throws IOException {
        Path www = dir.resolve("www");
        Files.createDirectories(www);
        Path conf = dir.resolve("nginx" + n + ".conf");
        Path run = Files.createDirectories(dir.resolve("run" + n));
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s;
                  proxy_temp_path %1$s;
                  fastcgi_temp_path %1$s;
                  uwsgi_temp_path %1$s;
                  scgi_temp_path %1$s;
                  keepalive_requests 100000;
                  server {
                    listen 80;%4$s
                    root %2$s;
                    location = /name { return 200 "rs%3$d\\n"; }
                  }
                }
                """.formatted(run, www, n, ipv6() ? "\n                    listen [::]:80;" : ""));
        lab.start(ns, List.of("nginx", "-c", conf.toString()), dir.resolve("nginx" + n + ".log"));
    }

    private void startDirector() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", director, java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx" + 256 * Integer.parseInt(options.getOrDefault("jlvs.lab.workers", "1")) + "m"));
        // the data plane's variants (LabDirectorMain.settings), e.g. -Djlvs.lab.xdp=true on the test's command line
        options.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        if (ipv6()) {
            cmd.add("-Djlvs.lab.ipv6Service=" + VIP6 + "," + String.join(",", servers6));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                LabDirectorMain.class.getName(), method, nat() ? "eth0,eth1" : "eth0", VIP,
                String.join(",", servers)));
        if (options.containsKey("jlvs.lab.ports")) {
            // option jlvs.lab.ports=P,Q: TCP and UDP services (sh) on those ports too
            cmd.add(options.get("jlvs.lab.ports"));
        }
        child = new ProcessBuilder(cmd).redirectError(dir.resolve("director.err").toFile()).start();
        toChild = new PrintWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    fromChild.add(line);
                }
            } catch (IOException e) {
                fromChild.add("EOF " + e.getMessage());
            }
        });
        reader.setName("lab-director-reader");
        String first = next(30);
        if (!"READY".equals(first)) {
            throw new IOException("director did not start: " + first + " / " + stderr());
        }
        if (xdp()
                && !lab.exec(director, "ip", "-d", "link", "show", "dev", "eth0").output().contains("xdp")) {
            throw new IOException("jlvs.lab.xdp set, but the director's eth0 has no XDP program");
        }
    }

    /**
     * Option {@code jlvs.lab.hostOffloads=true}, before the director starts: transmit checksum offload on for
     * every veth of the lab, both ends (the links are built with it off), so the client's and real servers'
     * segments reach the director with their checksums left for the card (CHECKSUM_PARTIAL), as from
     * containers on the director's own host; and GRO (with rx-udp-gro-forwarding) on the director's links, as on a NIC by default (the
     * peers keep segmenting, as frames from a wire arrive one by one). Option
     * {@code jlvs.lab.segmentationOffloads=true}: that, and TSO/GSO on for the senders too (below).
     */
    private void hostOffloadsOn() throws IOException {
        sh(cl, "ethtool", "-K", "eth0", "tx", "on");
        List<String> ports = new ArrayList<>(List.of("pcl", "pd0"));
        if (nat()) {
            ports.add("pd1");
        }
        for (int i = 0; i < rs.size(); i++) {
            sh(rs.get(i), "ethtool", "-K", "eth0", "tx", "on");
            ports.add("pr" + (i + 1));
        }
        for (String p : ports) {
            sh(sw, "ethtool", "-K", p, "tx", "on");
        }
        for (String link : directorLinks()) {
            // and UDP merged for forwarding, which some hosts turn on (the data plane turns it off)
            sh(director, "ethtool", "-K", link, "gro", "on", "rx-udp-gro-forwarding", "on");
        }
        if (Boolean.parseBoolean(options.get("jlvs.lab.segmentationOffloads"))) {
            // TSO and GSO on along every path (veth's defaults): a sender's TCP hands the link super-packets
            // of up to 64 KiB and veth, the bridge and veth again pass them on whole, so the director's
            // sockets receive them unsegmented, as from containers on the director's own host
            sh(cl, "ethtool", "-K", "eth0", "sg", "on", "tso", "on", "gso", "on");
            for (String ns : rs) {
                sh(ns, "ethtool", "-K", "eth0", "sg", "on", "tso", "on", "gso", "on");
            }
            for (String p : ports) {
                sh(sw, "ethtool", "-K", p, "sg", "on", "tso", "on", "gso", "on");
            }
        }
    }

    /** Every veth of the lab, both ends, at MTU N: option {@code jlvs.lab.mtu=N} before the director starts. */
    void mtu(String mtu) throws IOException {
        sh(cl, "ip", "link", "set", "eth0", "mtu", mtu);
        List<String> ports = new ArrayList<>(List.of("pcl", "pd0"));
        for (String link : directorLinks()) {
            sh(director, "ip", "link", "set", link, "mtu", mtu);
        }
        if (nat()) {
            ports.add("pd1");
        }
        for (int i = 0; i < rs.size(); i++) {
            sh(rs.get(i), "ip", "link", "set", "eth0", "mtu", mtu);
            ports.add("pr" + (i + 1));
        }
        for (String p : ports) {
            sh(sw, "ip", "link", "set", p, "mtu", mtu);
        }
    }

    /** The director's {@code link} and its switch port at MTU {@code mtu}, while the director runs. */
    void directorLinkMtu(String link, String mtu) throws IOException {
        sh(director, "ip", "link", "set", link, "mtu", mtu);
        sh(sw, "ip", "link", "set", link.equals("eth0") ? "pd0" : "pd1", "mtu", mtu);
    }

    /**
     * Another XDP program on the director's {@code dev} ({@link XdpHolderMain}), held until the returned
     * process's input is closed; returns once it holds it.
     */
    Process holdXdp(String dev) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("ip", "netns", "exec", director, java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), XdpHolderMain.class.getName(), dev)
                .redirectError(dir.resolve("xdp-holder.err").toFile()).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (first == null || !first.startsWith("attached")) {
            p.destroyForcibly();
            throw new IOException("no XDP program held on " + dev + ": " + Files.readString(dir.resolve("xdp-holder.err")));
        }
        return p;
    }

    /** The director JVM's process id ({@code ip netns exec} execs it). */
    long directorPid() {
        return child.pid();
    }

    /** Runs a command in the director's namespace. */
    Shell.Result inDirector(String... argv) throws IOException {
        return lab.exec(director, argv);
    }

    /**
     * Builds the director's link {@code dev} again after it was deleted (its veth peer on the switch went with
     * it): the same name, a new interface index, a new MAC and the same addresses.
     */
    void recreateDirectorLink(String dev) throws IOException {
        recreateDirectorLink(dev, true);
    }

    /** As {@link #recreateDirectorLink(String)}, left down when not {@code up}. */
    void recreateDirectorLink(String dev, boolean up) throws IOException {
        boolean first = dev.equals("eth0");
        link(director, dev, first ? "pd0" : "pd1", first ? "br0" : "br1", up);
        if (first) {
            sh(director, "ip", "addr", "add", DIRECTOR + "/24", "dev", dev);
            sh(director, "ip", "addr", "add", VIP + "/32", "dev", dev);
        } else {
            sh(director, "ip", "addr", "add", "10.77.1.1/24", "dev", dev);
        }
    }

    /** The director's links. */
    List<String> directorLinks() {
        return nat() ? List.of("eth0", "eth1") : List.of("eth0");
    }

    /** Whether GRO is on for the director's {@code link} ({@code ethtool -k}). */
    boolean directorGro(String link) throws IOException {
        return directorOffload(link, "generic-receive-offload");
    }

    /** Whether the offload {@code ethtool -k} calls {@code name} is on for the director's {@code link}. */
    boolean directorOffload(String link, String name) throws IOException {
        return lab.exec(director, "ethtool", "-k", link).output().contains("\n" + name + ": on");
    }

    /** Stops the director (as at the end of the lab), leaving the namespaces up. */
    void stopDirector() throws IOException {
        if (child == null) {
            return;
        }
        toChild.println("quit");
        try {
            if (!child.waitFor(15, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IOException("director did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            child = null;
        }
    }

    /** The director runs AF_XDP I/O. */
    boolean xdp() {
        return Boolean.parseBoolean(options.get("jlvs.lab.xdp"));
    }

    /** The director hands established connections to the XDP fast path. */
    boolean fastPath() {
        return Integer.parseInt(options.getOrDefault("jlvs.lab.offload", "-1")) >= 0;
    }

    String stderr() {
        try {
            return Files.readString(dir.resolve("director.err"));
        } catch (IOException e) {
            return "";
        }
    }

    private String next(int seconds) throws IOException {
        try {
            String s = fromChild.poll(seconds, TimeUnit.SECONDS);
            if (s == null) {
                throw new IOException("director silent for " + seconds + " s; stderr: " + stderr());
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Sends a command to the director and returns its answer lines (up to END, or the one line). */
    List<String> ask(String command) throws IOException {
        toChild.println(command);
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = next(15);
            if (l.equals("END")) {
                return lines;
            }
            if (l.equals("OK") || l.startsWith("ERR")) {
                lines.add(l);
                return lines;
            }
            lines.add(l);
        }
    }

    /** One of the director's counters ({@code PacketDirector.counters()}). */
    long counter(String name) throws IOException {
        return ask("counters").stream().filter(c -> c.startsWith(name + "="))
                .mapToLong(c -> Long.parseLong(c.substring(name.length() + 1))).sum();
    }

    /** Runs a command in the client namespace with a bound. */
    Shell.Result client(int timeoutSeconds, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cl));
        cmd.addAll(List.of(argv));
        return Shell.run(cmd, timeoutSeconds);
    }

    Process clientBackground(Path log, String... argv) throws IOException {
        return lab.start(cl, List.of(argv), log);
    }

    /** Runs a command in the director's namespace in the background. */
    Process directorBackground(Path log, String... argv) throws IOException {
        return lab.start(director, List.of(argv), log);
    }

    /** Runs a command in real server {@code n}'s namespace (1..3) in the background. */
    Process realServerBackground(int n, Path log, String... argv) throws IOException {
        return lab.start(rs.get(n - 1), List.of(argv), log);
    }

    /** Stops the capture and returns its packets as tcpdump prints them. */
    List<String> capturedRstAndIcmp() throws IOException {
        if (capture != null) {
            capture.destroy();
            try {
                capture.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            capture = null;
        }
        String out = Shell.run(List.of("tcpdump", "-nn", "-r", pcap.toString()), 30).output();
        return out.lines().filter(l -> !l.startsWith("reading from")).toList();
    }

    String nftRuleset() throws IOException {
        return lab.exec(director, "nft", "list", "table", "ip", "jlvs").output();
    }

    String nftRuleset6() throws IOException {
        return lab.exec(director, "nft", "list", "table", "ip6", "jlvs").output();
    }

    @Override
    public void close() {
        if (child != null) {
            try {
                toChild.println("quit");
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.destroyForcibly();
            }
        }
        lab.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files only
        }
    }
}
