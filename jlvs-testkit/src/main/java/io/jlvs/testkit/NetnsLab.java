package io.jlvs.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces, veth pairs and processes made by one test, all removed by {@link #close()} even
 * when the test fails. Names carry this JVM's pid so concurrent runs never collide. Processes started
 * here are stopped by their own pid only.
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> rootLinks = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    public NetnsLab() {
        this.prefix = "jl" + ProcessHandle.current().pid() + "x" + SEQ.incrementAndGet();
    }

    /** Creates a namespace named {@code <prefix>-<name>} with lo up; returns its full name. */
    public String namespace(String name) throws IOException {
        String ns = prefix + "-" + name;
        Shell.run("ip", "netns", "add", ns).orThrow("ip netns add " + ns);
        namespaces.add(ns);
        exec(ns, "ip", "link", "set", "lo", "up").orThrow("lo up in " + ns);
        return ns;
    }

    /**
     * Links the root namespace to {@code ns} with a veth pair: {@code rootAddr/prefix} on the root side,
     * {@code nsAddr/prefix} inside, both up. Returns the root-side interface name.
     */
    public String vethToRoot(String ns, String rootCidr, String nsCidr) throws IOException {
        return vethToRoot(ns, rootCidr, nsCidr, 1);
    }

    /** As {@link #vethToRoot(String, String, String)}, both ends with {@code queues} receive and transmit queues. */
    public String vethToRoot(String ns, String rootCidr, String nsCidr, int queues) throws IOException {
        int n = rootLinks.size();
        String host = "v" + prefix.substring(2) + "h" + n;
        String peer = "v" + prefix.substring(2) + "p" + n;
        host = host.length() > 15 ? host.substring(host.length() - 15) : host;
        peer = peer.length() > 15 ? peer.substring(peer.length() - 15) : peer;
        String q = String.valueOf(queues);
        Shell.run("ip", "link", "add", host, "numtxqueues", q, "numrxqueues", q, "type", "veth", "peer", "name", peer,
                "numtxqueues", q, "numrxqueues", q).orThrow("veth " + host);
        rootLinks.add(host);
        Shell.run("ip", "link", "set", peer, "netns", ns).orThrow("move " + peer);
        Shell.run("ip", "addr", "add", rootCidr, "dev", host).orThrow("addr " + rootCidr);
        Shell.run("ip", "link", "set", host, "up").orThrow("up " + host);
        exec(ns, "ip", "addr", "add", nsCidr, "dev", peer).orThrow("addr " + nsCidr);
        exec(ns, "ip", "link", "set", peer, "up").orThrow("up " + peer);
        return host;
    }

    /**
     * Links two of this lab's namespaces with a veth pair: {@code cidrA} on {@code a}'s end, {@code cidrB} on
     * {@code b}'s, both up (the pair goes with the namespaces). Returns the two interface names, a's first.
     */
    public String[] vethBetween(String a, String cidrA, String b, String cidrB) throws IOException {
        int n = rootLinks.size() + namespaces.size() * 16 + SEQ.incrementAndGet();
        String endA = "va" + n;
        String endB = "vb" + n;
        Shell.run("ip", "link", "add", endA, "netns", a, "type", "veth", "peer", "name", endB, "netns", b)
                .orThrow("veth " + endA);
        exec(a, "ip", "addr", "add", cidrA, "dev", endA).orThrow("addr " + cidrA);
        exec(a, "ip", "link", "set", endA, "up").orThrow("up " + endA);
        exec(b, "ip", "addr", "add", cidrB, "dev", endB).orThrow("addr " + cidrB);
        exec(b, "ip", "link", "set", endB, "up").orThrow("up " + endB);
        return new String[] {endA, endB};
    }

    public Shell.Result exec(String ns, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(argv));
        return Shell.run(cmd, 30);
    }

    /** Starts a long-running process inside {@code ns}; it is killed by pid on close. */
    public Process start(String ns, List<String> argv, java.nio.file.Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String link : rootLinks) {
            try {
                Shell.run("ip", "link", "del", link);
            } catch (IOException ignored) {
                // already gone with its namespace
            }
        }
        for (String ns : namespaces) {
            try {
                Shell.run("ip", "netns", "del", ns);
            } catch (IOException ignored) {
                // best effort; the before-stop check lists leftovers
            }
        }
    }
}
