package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the director's kernel out of the way of the packet data plane. AF_PACKET sockets see every
 * frame before netfilter, so the kernel still receives the frames jlvs forwards: it would answer a
 * virtual address it holds with a TCP RST or an ICMP port unreachable, and forward NAT replies
 * untranslated when ip_forward is on. jlvs therefore owns an nftables table {@code ip jlvs} (and
 * {@code ip6 jlvs} for IPv6 services, {@link #script6}) with one
 * prerouting chain at priority raw that drops, after AF_PACKET has taken its copy, what does not come from
 * the director itself (its own processes' packets come back in through lo; the FULLNAT proxy's listeners
 * for local clients serve them, as IPVS serves them):
 * <ul>
 *   <li>TCP/UDP/SCTP to a virtual service the data plane forwards (address . protocol . port; not one whose
 *       real servers are all FULLNAT, which the proxy serves in the kernel's stack),</li>
 *   <li>TCP/UDP/SCTP to any port of the address of a port-0 service,</li>
 *   <li>what a fwmark rule marks for an existing fwmark service: its protocol to its address range and
 *       port range (not the rest of the range's traffic, which the data plane leaves to the kernel),</li>
 *   <li>replies of a MASQ real server: TCP/UDP/SCTP from its (address . protocol . port), or from any port
 *       of a real server whose port is 0 (of its service's protocol) or that serves a fwmark service (of
 *       any), and ICMP errors from any MASQ
 *       real server, unless addressed to the director itself (health checks and other local traffic
 *       keep working). What a real server starts itself (DNS, NTP, updates through the director as its
 *       gateway) is routed by the kernel as by a director running IPVS.</li>
 *   <li>the later fragments of a datagram whose first fragment a port rule above dropped (a client's datagram
 *       to a service, or a NAT reply, larger than the MTU): only the first carries the ports, so the guard
 *       remembers the datagram for a few seconds ({@link #FRAGMENT_SECONDS}). Left to the kernel, a NAT reply's
 *       later fragments would reach the client untranslated (the real server's address, and they fill the
 *       client's reassembly), and a virtual service's would wait in the kernel's reassembly, whose IPv4 memory
 *       the fanout group's defragmentation shares.</li>
 * </ul>
 * The table is replaced as a whole, atomically ({@code nft -f -}), whenever these sets change, and
 * deleted by {@link #remove}. ICMP echo to a virtual address is left to the kernel. One director per
 * network namespace owns it ({@link PacketDirector} holds a {@link io.jlvs.sys.NetnsLock} for it).
 */
final class KernelGuard {
    static final String TABLE = "jlvs";
    private static final long TIMEOUT_SECONDS = 10;
    /**
     * How long, and for how many datagrams at most, the guard remembers one whose first fragment it dropped, to
     * drop its later fragments too (they carry no ports): a sender's fragments follow each other within
     * milliseconds.
     */
    static final int FRAGMENT_SECONDS = 5;
    static final int FRAGMENT_DATAGRAMS = 65536;
    /** The key of a datagram's fragments in {@code ip jlvs} (RFC 791) and {@code ip6 jlvs} (RFC 8200). */
    private static final String FRAGMENT_KEY = "ip saddr . ip daddr . meta l4proto . ip id";
    private static final String FRAGMENT_KEY6 = "ip6 saddr . ip6 daddr . frag id";

    private final String nft;
    private String installed;

    KernelGuard(String nftCommand) {
        this.nft = nftCommand;
    }

    /** One virtual service the kernel must not answer: protocol name as nft spells it, 0 = every port. */
    record Service(IpAddress address, String protocol, int port) {
    }

    /**
     * What a fwmark rule (or an FTP service's data connections) hands to jlvs: {@code protocol} (as nft spells it)
     * to an address in [{@code from}, {@code to}] (IPv4; IPv6 in {@link #script6}) and a destination port in
     * [{@code portFrom}, {@code portTo}].
     */
    record Range(IpAddress from, IpAddress to, String protocol, int portFrom, int portTo) {
    }

    /** The nft script that replaces table {@code ip jlvs} with these sets. */
    static String script(List<Service> services, List<Range> ranges, Set<IpAddress> masqServers) {
        return script(services, ranges, masqServers.stream().map(a -> new Service(a, "tcp", 0)).toList());
    }

    /**
     * The nft script that replaces table {@code ip jlvs} with these sets; {@code masqServers}: each MASQ
     * real server as (address, protocol of its service, its port), port 0 for every port.
     */
    static String script(List<Service> services, List<Range> ranges, List<Service> masqServers) {
        return script(services, ranges, masqServers, List.of());
    }

    /**
     * As {@link #script(List, List, List)}, with {@code masqSourceRanges}: TCP/UDP/SCTP from a MASQ real server
     * ({@code from}) with a source port in [{@code portFrom}, {@code portTo}] (an FTP real server's passive ports).
     */
    static String script(List<Service> services, List<Range> ranges, List<Service> masqServers,
                         List<Range> masqSourceRanges) {
        // not what the director's own processes send (it comes back in through lo): IPVS serves those too.
        // Every other interface is matched, not only the data plane's: frames for a VLAN or macvlan device
        // on a data-plane link (keepalived's use_vmac) reach the kernel through that device
        String on = "iifname != \"lo\" ";
        StringBuilder sb = new StringBuilder();
        sb.append("table ip ").append(TABLE).append('\n');
        sb.append("delete table ip ").append(TABLE).append('\n');
        sb.append("table ip ").append(TABLE).append(" {\n");
        List<Service> ported = services.stream().filter(s -> s.port() != 0).toList();
        List<String> whole = new java.util.ArrayList<>();
        services.stream().filter(s -> s.port() == 0).map(s -> s.address().toString()).distinct().forEach(whole::add);
        List<String> marked = ranges.stream().map(KernelGuard::element).distinct().toList();
        if (!ported.isEmpty()) {
            sb.append("  set services {\n    type ipv4_addr . inet_proto . inet_service\n    elements = { ");
            sb.append(String.join(", ", ported.stream().distinct()
                    .map(s -> s.address() + " . " + s.protocol() + " . " + s.port()).toList()));
            sb.append(" }\n  }\n");
        }
        if (!marked.isEmpty()) {
            sb.append("  set marked {\n    type ipv4_addr . inet_proto . inet_service\n    flags interval\n"
                    + "    elements = { ");
            sb.append(String.join(", ", marked)).append(" }\n  }\n");
        }
        if (!whole.isEmpty()) {
            sb.append("  set addresses {\n    type ipv4_addr\n    flags interval\n    auto-merge\n    elements = { ");
            sb.append(String.join(", ", whole)).append(" }\n  }\n");
        }
        List<String> masqPorts = masqServers.stream().filter(m -> m.port() != 0)
                .map(m -> m.address() + " . " + m.protocol() + " . " + m.port()).distinct().sorted().toList();
        // a real server of a port-0 service answers from any port of its service's protocol; one of a fwmark
        // service ("*") from any port of any
        List<String> masqWhole = masqServers.stream().filter(m -> m.port() == 0)
                .flatMap(m -> (m.protocol().equals("*") ? List.of("tcp", "udp", "sctp") : List.of(m.protocol()))
                        .stream().map(p -> m.address() + " . " + p))
                .distinct().sorted().toList();
        List<String> masqHosts = masqServers.stream().map(m -> m.address().toString()).distinct().sorted().toList();
        if (!masqPorts.isEmpty()) {
            sb.append("  set masqports {\n    type ipv4_addr . inet_proto . inet_service\n    elements = { ");
            sb.append(String.join(", ", masqPorts)).append(" }\n  }\n");
        }
        List<String> masqRanges = masqSourceRanges.stream().map(KernelGuard::element).distinct().sorted().toList();
        if (!masqRanges.isEmpty()) {
            sb.append("  set masqranges {\n    type ipv4_addr . inet_proto . inet_service\n    flags interval\n"
                    + "    elements = { ");
            sb.append(String.join(", ", masqRanges)).append(" }\n  }\n");
        }
        if (!masqWhole.isEmpty()) {
            sb.append("  set masq {\n    type ipv4_addr . inet_proto\n    elements = { ");
            sb.append(String.join(", ", masqWhole)).append(" }\n  }\n");
        }
        if (!masqHosts.isEmpty()) {
            sb.append("  set masqhosts {\n    type ipv4_addr\n    elements = { ");
            sb.append(String.join(", ", masqHosts)).append(" }\n  }\n");
        }
        boolean fragments = !ported.isEmpty() || !marked.isEmpty() || !masqPorts.isEmpty() || !masqRanges.isEmpty();
        if (fragments) {
            sb.append(fragmentSet(FRAGMENT_KEY));
        }
        sb.append("  chain prerouting {\n    type filter hook prerouting priority raw; policy accept;\n");
        // a first fragment the rules matching a port drop is remembered, and its datagram's later fragments are
        // dropped by the last rule
        String first = on + "ip frag-off & 0x2000 != 0 ";
        String remember = " update @fragments { " + FRAGMENT_KEY + " }\n";
        if (!ported.isEmpty()) {
            String match = "ip daddr . meta l4proto . th dport @services";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!whole.isEmpty()) {
            sb.append("    ").append(on).append("ip daddr @addresses meta l4proto { tcp, udp, sctp } counter drop\n");
        }
        if (!marked.isEmpty()) {
            String match = "ip daddr . meta l4proto . th dport @marked";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!masqPorts.isEmpty()) {
            String match = "ip saddr . meta l4proto . th sport @masqports fib daddr type != local";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!masqRanges.isEmpty()) {
            String match = "ip saddr . meta l4proto . th sport @masqranges fib daddr type != local";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!masqWhole.isEmpty()) {
            sb.append("    ").append(on).append("ip saddr . meta l4proto @masq fib daddr type != local counter drop\n");
        }
        if (!masqHosts.isEmpty()) {
            sb.append("    ").append(on).append("ip saddr @masqhosts icmp type { destination-unreachable, source-quench, time-exceeded, "
                    + "parameter-problem } fib daddr type != local counter drop\n");
        }
        if (fragments) {
            sb.append("    ").append(on).append("ip frag-off & 0x1fff != 0 ").append(FRAGMENT_KEY)
                    .append(" @fragments counter drop\n");
        }
        sb.append("  }\n}\n");
        return sb.toString();
    }

    /** A range as an element of an interval set of (address . protocol . port). */
    private static String element(Range r) {
        return (r.from().equals(r.to()) ? r.from().toString() : r.from() + "-" + r.to()) + " . " + r.protocol()
                + " . " + (r.portFrom() == r.portTo() ? Integer.toString(r.portFrom()) : r.portFrom() + "-" + r.portTo());
    }

    /** As {@link #script6(List, List, List, List)} without ranges. */
    static String script6(List<Service> services, List<Service> masqServers) {
        return script6(services, List.of(), masqServers, List.of());
    }

    /**
     * The nft script that replaces table {@code ip6 jlvs} for the IPv6 services (TCP and UDP, which the IPv6
     * data plane serves) and their MASQ real servers ((address, protocol, port), port 0 for every port; and their
     * ICMPv6 errors, which the data plane translates), as
     * {@code ip jlvs} does for IPv4: the kernel's copy of what the data plane forwards is dropped at
     * prerouting ({@code meta l4proto} is the transport protocol past the extension headers); "" when there
     * is none (the table is then deleted by {@link #install}). {@code ranges}: a protocol to port ranges of
     * virtual addresses, {@code masqSourceRanges}: from port ranges of MASQ real servers (an FTP service's data
     * connections, as in {@link #script(List, List, List, List)}).
     */
    static String script6(List<Service> services, List<Range> ranges, List<Service> masqServers,
                          List<Range> masqSourceRanges) {
        if (services.isEmpty() && masqServers.isEmpty() && ranges.isEmpty()) {
            return "";
        }
        String on = "iifname != \"lo\" ";
        List<String> ported = services.stream().filter(s -> s.port() != 0)
                .map(s -> s.address() + " . " + s.protocol() + " . " + s.port()).distinct().sorted().toList();
        List<String> whole = services.stream().filter(s -> s.port() == 0).map(s -> s.address().toString())
                .distinct().sorted().toList();
        List<String> masqPorts = masqServers.stream().filter(m -> m.port() != 0)
                .map(m -> m.address() + " . " + m.protocol() + " . " + m.port()).distinct().sorted().toList();
        List<String> masqWhole = masqServers.stream().filter(m -> m.port() == 0)
                .map(m -> m.address() + " . " + m.protocol()).distinct().sorted().toList();
        List<String> masqHosts = masqServers.stream().map(m -> m.address().toString()).distinct().sorted().toList();
        List<String> portRanges = ranges.stream().map(KernelGuard::element).distinct().sorted().toList();
        List<String> masqRanges = masqSourceRanges.stream().map(KernelGuard::element).distinct().sorted().toList();
        StringBuilder sb = new StringBuilder();
        sb.append("table ip6 ").append(TABLE).append('\n');
        sb.append("delete table ip6 ").append(TABLE).append('\n');
        sb.append("table ip6 ").append(TABLE).append(" {\n");
        if (!ported.isEmpty()) {
            sb.append("  set services {\n    type ipv6_addr . inet_proto . inet_service\n    elements = { ")
                    .append(String.join(", ", ported)).append(" }\n  }\n");
        }
        if (!whole.isEmpty()) {
            sb.append("  set addresses {\n    type ipv6_addr\n    elements = { ")
                    .append(String.join(", ", whole)).append(" }\n  }\n");
        }
        if (!portRanges.isEmpty()) {
            sb.append("  set ranges {\n    type ipv6_addr . inet_proto . inet_service\n    flags interval\n"
                    + "    elements = { ").append(String.join(", ", portRanges)).append(" }\n  }\n");
        }
        if (!masqRanges.isEmpty()) {
            sb.append("  set masqranges {\n    type ipv6_addr . inet_proto . inet_service\n    flags interval\n"
                    + "    elements = { ").append(String.join(", ", masqRanges)).append(" }\n  }\n");
        }
        if (!masqPorts.isEmpty()) {
            sb.append("  set masqports {\n    type ipv6_addr . inet_proto . inet_service\n    elements = { ")
                    .append(String.join(", ", masqPorts)).append(" }\n  }\n");
        }
        if (!masqWhole.isEmpty()) {
            sb.append("  set masq {\n    type ipv6_addr . inet_proto\n    elements = { ")
                    .append(String.join(", ", masqWhole)).append(" }\n  }\n");
        }
        if (!masqHosts.isEmpty()) {
            sb.append("  set masqhosts {\n    type ipv6_addr\n    elements = { ")
                    .append(String.join(", ", masqHosts)).append(" }\n  }\n");
        }
        boolean fragments = !ported.isEmpty() || !portRanges.isEmpty() || !masqPorts.isEmpty()
                || !masqRanges.isEmpty();
        if (fragments) {
            sb.append(fragmentSet(FRAGMENT_KEY6));
        }
        sb.append("  chain prerouting {\n    type filter hook prerouting priority raw; policy accept;\n");
        // a first fragment (M set; a later one has no ports) these rules drop is remembered: its later fragments
        // are dropped by the last rule
        String first = on + "frag more-fragments 1 ";
        String remember = " update @fragments { " + FRAGMENT_KEY6 + " }\n";
        if (!ported.isEmpty()) {
            String match = "ip6 daddr . meta l4proto . th dport @services";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!whole.isEmpty()) {
            sb.append("    ").append(on).append("ip6 daddr @addresses meta l4proto { tcp, udp } counter drop\n");
        }
        if (!portRanges.isEmpty()) {
            String match = "ip6 daddr . meta l4proto . th dport @ranges";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!masqPorts.isEmpty()) {
            String match = "ip6 saddr . meta l4proto . th sport @masqports fib daddr type != local";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!masqRanges.isEmpty()) {
            String match = "ip6 saddr . meta l4proto . th sport @masqranges fib daddr type != local";
            sb.append("    ").append(first).append(match).append(remember);
            sb.append("    ").append(on).append(match).append(" counter drop\n");
        }
        if (!masqWhole.isEmpty()) {
            sb.append("    ").append(on).append("ip6 saddr . meta l4proto @masq fib daddr type != local counter drop\n");
        }
        if (!masqHosts.isEmpty()) {
            sb.append("    ").append(on).append("ip6 saddr @masqhosts icmpv6 type { destination-unreachable, "
                    + "packet-too-big, time-exceeded, parameter-problem } fib daddr type != local counter drop\n");
        }
        if (fragments) {
            sb.append("    ").append(on).append("frag frag-off != 0 ").append(FRAGMENT_KEY6)
                    .append(" @fragments counter drop\n");
        }
        sb.append("  }\n}\n");
        return sb.toString();
    }

    /**
     * The set of datagrams whose first fragment a rule dropped (by its ports, which only a first fragment
     * carries), keyed by {@code key}, so that their later fragments are dropped too: forwarded by the kernel,
     * a NAT real server's would reach the client untranslated; those to a virtual address would wait in the
     * kernel's reassembly for a first fragment that never comes.
     */
    private static String fragmentSet(String key) {
        return "  set fragments {\n    typeof " + key + "\n    size " + FRAGMENT_DATAGRAMS
                + "\n    flags dynamic,timeout\n    timeout " + FRAGMENT_SECONDS + "s\n  }\n";
    }

    /**
     * Installs the table unless the same script is already in place. A script without an {@code ip6 jlvs}
     * table deletes any there is: one this process installed for IPv6 services since removed, or one a
     * director that crashed left behind (it would drop the kernel's copy of IPv6 services no longer served).
     */
    synchronized void install(String script) throws IOException {
        if (script.equals(installed)) {
            return;
        }
        boolean ipv6 = script.contains("table ip6 " + TABLE + " {");
        run(ipv6 ? script : script + "table ip6 " + TABLE + "\ndelete table ip6 " + TABLE + "\n");
        installed = script;
    }

    /** Deletes the table (nothing when it is not there). */
    synchronized void remove() throws IOException {
        installed = null;
        run("table ip " + TABLE + "\ndelete table ip " + TABLE + "\ntable ip6 " + TABLE + "\ndelete table ip6 "
                + TABLE + "\n");
    }

    private void run(String script) throws IOException {
        Nft r = nft(script, "-f", "-");
        if (r.exit() != 0) {
            throw new IOException("nft refused the jlvs table: " + r.output().strip().lines().findFirst()
                    .orElse("exit " + r.exit()));
        }
    }

    private record Nft(int exit, String output) {
    }

    /** Runs nft with {@code args}, {@code input} on its standard input (none when null), within the timeout. */
    private Nft nft(String input, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(nft));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // read while nft runs: a listing of large sets fills the pipe, and nft would wait for it forever
        java.util.concurrent.CompletableFuture<byte[]> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, r -> Thread.ofVirtual().start(r));
        try (OutputStream in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nft did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Nft(p.exitValue(), new String(output.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted waiting for nft", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("nft's output could not be read: " + e, e);
        }
    }
}
