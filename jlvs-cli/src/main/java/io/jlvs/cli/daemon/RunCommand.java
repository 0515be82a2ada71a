package io.jlvs.cli.daemon;

import io.jlvs.admin.AdminOptions;
import io.jlvs.config.ConfigProblem;
import io.jlvs.engine.keepalived.ReloadResult;
import io.jlvs.proxy.ProxySettings;
import io.jlvs.proxy.ProxyTransportKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jlvs run}: the daemon, in the foreground, until SIGTERM or SIGINT. With {@code -f FILE} it applies
 * keepalived.conf and re-reads it on SIGHUP ({@code jlvs reload}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the jlvs daemon in the foreground until SIGTERM or SIGINT; with -f, apply a "
                + "keepalived.conf and reload it on SIGHUP.")
public final class RunCommand implements Callable<Integer> {
    private static final int MAX_PACKET_WORKERS = 64;
    private static final int MAX_BUSY_POLL_MICROS = 10_000;

    @Spec
    CommandSpec spec;

    /** Told about the daemon once it serves (tests stop it with {@link DaemonProcess#close()}). */
    private final Consumer<DaemonProcess> started;

    public RunCommand() {
        this(daemon -> {
        });
    }

    public RunCommand(Consumer<DaemonProcess> started) {
        this.started = started;
    }

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket (default: $JLVS_SOCKET, else /run/jlvs/jlvs.sock as root, "
                    + "else $XDG_RUNTIME_DIR/jlvs/jlvs.sock or /tmp/jlvs-UID/jlvs.sock).")
    String socket;

    @Option(names = "--pid-file", paramLabel = "PATH",
            description = "Pid file (default: next to the socket, /run/jlvs/jlvs.pid as root).")
    Path pidFile;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE",
            description = "keepalived.conf to apply: virtual/real servers, health checks, sorry servers; "
                    + "SIGHUP or 'jlvs reload' re-reads it.")
    Path useFile;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "The id @ID lines of the file are matched against (default: the host name).")
    String configId;

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9900",
            description = "Where the REST API, /metrics and the status page listen (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Bearer token for API changes; the file must not be readable by group or others. "
                    + "Without it the API is read-only.")
    Path adminTokenFile;

    @Option(names = {"-I", "--interface"}, paramLabel = "IFNAME", split = ",",
            description = "Run the packet data plane (NAT, DR, TUN real servers) on these interfaces; the first faces "
                    + "the clients. Without it only FULLNAT services carry traffic.")
    List<String> interfaces;

    @Option(names = "--dump-dir", paramLabel = "DIR",
            description = "Where SIGUSR1/SIGUSR2 write keepalived.data, .json and .stats (default: $TMPDIR, else /tmp).")
    Path dumpDir;

    @Option(names = "--proxy-transport", paramLabel = "KIND", defaultValue = "auto",
            description = "Transport of the FULLNAT proxy: auto (relay, else Netty epoll, else NIO), relay (jlvs's "
                    + "own epoll loop for TCP), epoll, io_uring or nio (Netty) (default: ${DEFAULT-VALUE}). UDP always "
                    + "runs on Netty. An unavailable transport falls back with a logged reason.")
    String proxyTransport;

    @Option(names = "--packet-io", paramLabel = "KIND", defaultValue = "af_packet",
            description = "How the packet data plane (-I) receives and sends frames: af_packet (TPACKET rings, any "
                    + "link) or af_xdp (an XDP program steers only the frames jlvs handles into AF_XDP sockets; one "
                    + "worker for all receive queues, no fwmark rules) (default: ${DEFAULT-VALUE}).")
    String packetIo;

    @Option(names = "--packet-workers", paramLabel = "N", defaultValue = "1",
            description = "Packet data plane (-I) threads, each with its own connection table; with more than one "
                    + "the kernel keeps a connection's frames, both directions of NAT included, on one of them "
                    + "(af_packet only) (default: ${DEFAULT-VALUE}).")
    int packetWorkers;

    @Option(names = "--packet-connections", paramLabel = "N",
            description = "Entries (connections and persistence templates) each packet data plane (-I) worker's "
                    + "connection table holds, allocated at start, about 160 bytes of heap each (IPVS's table grows "
                    + "with memory); a full table refuses new connections (default: 1048576; 1024 to 16777214).")
    Integer packetConnections;

    @Option(names = "--packet-busy-poll", paramLabel = "MICROSECONDS", defaultValue = "0",
            description = "How long a packet data plane (-I) worker keeps looking at its rings after the last frame "
                    + "before it sleeps, as net.core.busy_poll does for sockets: a frame arriving meanwhile is "
                    + "taken without a wake-up (lower latency) for up to that much CPU per burst; 0: sleep at once "
                    + "(default: ${DEFAULT-VALUE}; af_packet).")
    int packetBusyPoll;

    @Option(names = "--xdp-offload", paramLabel = "PACKETS", defaultValue = "off",
            description = "Once an established TCP connection or a UDP flow of the packet data plane (-I) has had "
                    + "PACKETS packets through the worker, an XDP program on the interfaces rewrites and forwards its "
                    + "later packets itself (statistics and timers still follow them, once a second; tcpdump on the "
                    + "director no longer sees them); off: never (default: ${DEFAULT-VALUE}).")
    String xdpOffload;

    @Option(names = "--fwmark-rule", paramLabel = "MARK:PROTO:ADDRESSES[:PORTS]",
            description = "For the packet data plane (-I), which sees no netfilter mark: packets of PROTO (tcp, udp, "
                    + "sctp or all) to ADDRESSES (A, A-B or A/N) and a destination port in PORTS (P, P-Q, a comma "
                    + "list; default every port) carry firewall mark MARK, as the iptables MARK rule beside an "
                    + "ipvsadm -f service says, e.g. 1:tcp:192.0.2.10:80,443 (repeatable; as with iptables, the "
                    + "last rule that matches gives the mark; all = TCP, UDP and SCTP; af_packet).")
    List<String> fwmarkRules;

    @Option(names = "--ftp-ports", paramLabel = "PORT[,PORT...]", split = ",",
            description = "IPVS's FTP helper for the packet data plane (-I), as modprobe ip_vs_ftp ports=PORTS: NAT "
                    + "(Masq) connections to these virtual ports (up to 8; 21 as a rule) are FTP control connections, "
                    + "whose PASV/EPSV replies and PORT/EPRT commands open the data connections' entries (the 227 "
                    + "reply names the virtual address); default: off, as the module is not loaded.")
    List<Integer> ftpPorts;

    @Option(names = "--ftp-passive-ports", paramLabel = "LO-HI",
            description = "With --ftp-ports: the FTP servers' passive port range (vsftpd's pasv_min_port-pasv_max_port, "
                    + "proftpd's PassivePorts). The data plane then takes from the kernel only TCP to these ports (and "
                    + "port - 1 of each FTP port) of the FTP virtual addresses and from them of the NAT real servers; "
                    + "without it every TCP port of both, so that local TCP services on the virtual address (sshd) "
                    + "and the real servers' own outgoing TCP through the director go to the data plane.")
    String ftpPassivePorts;

    @Option(names = "--sysctl", paramLabel = "KEY=VALUE",
            description = "An IPVS sysctl for the packet data plane (-I), after those in /usr/lib/sysctl.d, "
                    + "/run/sysctl.d, /etc/sysctl.d and /etc/sysctl.conf: net.ipv4.vs.expire_nodest_conn, "
                    + "expire_quiescent_template, conn_reuse_mode, sloppy_tcp, sloppy_sctp, amemthresh, drop_entry, "
                    + "drop_packet, secure_tcp or am_droprate (repeatable).")
    List<String> sysctls;

    @Option(names = "--no-local-clients", description = "Processes on this host do not reach the packet data "
            + "plane's (-I) services: the FULLNAT proxy does not listen on VIP:port of its TCP and UDP services for "
            + "them (it does by default, as IPVS serves local clients), and their connections get a RST.")
    boolean noLocalClients;

    @Option(names = "--answer-arp", description = "The packet data plane (-I, AF_PACKET) answers ARP requests for "
            + "IPv4 virtual addresses and IPv6 neighbour solicitations for IPv6 ones with its interface's MAC, for "
            + "VIPs that are not configured on the director (the kernel answers only for its own addresses); its "
            + "interfaces then take all multicast.")
    boolean answerArp;

    @Option(names = "--no-admin", description = "Do not serve the REST API, /metrics or the status page.")
    boolean noAdmin;

    @Option(names = {"-D", "--log-detail"}, description = "Log keepalived's detail lines too, as keepalived -D: "
            + "VRRP's \"sent 0 priority\", \"Receive advertisement timeout\", \"Backup received priority 0 "
            + "advertisement\".")
    boolean logDetail;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (logDetail) {
            LogDetail.enable();
        }
        ServiceWarnings serviceWarnings = new ServiceWarnings("af_xdp".equals(packetIo));
        AdminOptions adminOptions = null;
        if (!noAdmin) {
            try {
                adminOptions = AdminAddress.parse(admin).withTokenFile(adminTokenFile);
            } catch (IllegalArgumentException e) {
                err.println("jlvs: " + e.getMessage());
                err.flush();
                return 2;
            }
            if (adminTokenFile != null) {
                try {
                    io.jlvs.admin.AdminToken.read(adminTokenFile); // refuse an unsafe file before anything starts
                } catch (IOException e) {
                    err.println("jlvs: " + e.getMessage() + " (or run with --no-admin)");
                    err.flush();
                    return 1;
                }
            }
        }
        ProxyTransportKind transport;
        try {
            transport = ProxyTransportKind.parse(proxyTransport);
        } catch (IllegalArgumentException e) {
            err.println("jlvs: " + e.getMessage());
            err.flush();
            return 2;
        }
        boolean afXdp;
        switch (packetIo) {
            case "af_packet" -> afXdp = false;
            case "af_xdp" -> afXdp = true;
            default -> {
                err.println("jlvs: unknown packet I/O '" + packetIo + "': af_packet or af_xdp");
                err.flush();
                return 2;
            }
        }
        int offloadAfter = -1;
        if (!xdpOffload.equals("off")) {
            try {
                offloadAfter = Integer.parseInt(xdpOffload);
            } catch (NumberFormatException e) {
                offloadAfter = -2;
            }
            if (offloadAfter < 0) {
                err.println("jlvs: --xdp-offload takes a number of packets (0 or more) or off: '" + xdpOffload + "'");
                err.flush();
                return 2;
            }
            if (interfaces == null || interfaces.isEmpty()) {
                err.println("jlvs: --xdp-offload is for the packet data plane: give it -I IFNAME");
                err.flush();
                return 2;
            }
        }
        if (packetBusyPoll < 0 || packetBusyPoll > MAX_BUSY_POLL_MICROS) {
            err.println("jlvs: --packet-busy-poll takes 0 to " + MAX_BUSY_POLL_MICROS + " microseconds: "
                    + packetBusyPoll);
            err.flush();
            return 2;
        }
        if (packetWorkers < 1 || packetWorkers > MAX_PACKET_WORKERS) {
            err.println("jlvs: --packet-workers takes 1 to " + MAX_PACKET_WORKERS + ": " + packetWorkers);
            err.flush();
            return 2;
        }
        String tableProblem = PacketTableSize.problem(packetConnections, packetWorkers,
                interfaces != null && !interfaces.isEmpty(), Runtime.getRuntime().maxMemory());
        if (tableProblem != null) {
            err.println("jlvs: " + tableProblem);
            err.flush();
            return 2;
        }
        String ftpProblem = ftpPortsProblem();
        if (ftpProblem != null) {
            err.println("jlvs: " + ftpProblem);
            err.flush();
            return 2;
        }
        if (answerArp && (interfaces == null || interfaces.isEmpty())) {
            // without workers nothing answers: said at once rather than a daemon whose VIPs stay unreachable
            err.println("jlvs: --answer-arp is for the packet data plane: give it -I IFNAME");
            err.flush();
            return 2;
        }
        List<io.jlvs.packet.FwmarkRule> marks = new java.util.ArrayList<>();
        try {
            for (String spec : fwmarkRules == null ? List.<String>of() : fwmarkRules) {
                marks.addAll(FwmarkRules.parse(spec));
            }
        } catch (IllegalArgumentException e) {
            err.println("jlvs: " + e.getMessage());
            err.flush();
            return 2;
        }
        if (!marks.isEmpty()) {
            String why = interfaces == null || interfaces.isEmpty() ? "is for the packet data plane: give it -I IFNAME"
                    : afXdp ? "needs --packet-io af_packet (the XDP program steers by address only)"
                    : null;
            if (why != null) {
                err.println("jlvs: --fwmark-rule " + why);
                err.flush();
                return 2;
            }
            // MARK does not end iptables' chain: the last matching rule's mark is the one a packet keeps; the
            // classifier takes the first match, so it gets the rules last first
            java.util.Collections.reverse(marks);
        }
        VsSysctls vs;
        try {
            vs = readSysctls();
        } catch (IllegalArgumentException e) {
            err.println("jlvs: " + e.getMessage());
            err.flush();
            return 2;
        }
        Path socketPath = SocketPaths.current().socket(socket);
        Path pid = pidFile != null ? pidFile.toAbsolutePath() : SocketPaths.pidFileFor(socketPath);
        try {
            // before anything starts: a second daemon must not bind listeners, run checkers or touch the
            // packet data plane of the one that runs (DaemonProcess checks again when it writes the file)
            PidFile.checkNotRunning(pid, ProcessHandle.current().pid());
            if (interfaces != null && !interfaces.isEmpty()) {
                // a missing interface, or one without an address, said before the config is even read
                Director.checkPacketDataPlane(interfaces, afXdp, packetWorkers, marks, answerArp);
            }
        } catch (DaemonStartException | IllegalStateException e) {
            err.println("jlvs: " + e.getMessage());
            err.flush();
            return 1;
        }
        Director director = Director.start(EngineFactory.create(), ProxySettings.defaults().withTransport(transport));
        // the signals are handled from here on, before keepalived.conf starts anything another process can see: a
        // VRRP instance that owns its VIPs at once (priority 255), checkers' notify scripts, the packet data plane.
        // A script that waits for the VIP and stops jlvs must get the graceful stop (priority 0, VIPs removed), and
        // a SIGHUP must not end it; the shutdown hook waits for the start to end, then closes what it started
        DaemonShutdownHook shutdownHook = DaemonShutdownHook.install();
        boolean interruptWasIgnored = InterruptSignal.stopOnInterrupt("jlvs");
        List<io.jlvs.packet.FwmarkRule> rulesGiven = List.copyOf(marks);
        installReloadSignal(director, this::readSysctls, () -> {
            org.slf4j.Logger log = LoggerFactory.getLogger(RunCommand.class);
            warnUnmarkedFwmarkServices(director, rulesGiven, log);
            serviceWarnings.warn(director.table().services(), log);
        });
        new io.jlvs.cli.dump.DumpSignals(new io.jlvs.cli.dump.DumpFileWriter(dumpDir != null ? dumpDir
                : io.jlvs.cli.dump.DumpFileWriter.defaultDirectory()),
                () -> io.jlvs.cli.dump.DumpSnapshot.of(director, java.time.Instant.now())).install();
        DaemonProcess daemon = null;
        try {
            if (useFile != null) {
                ReloadResult loaded = director.loadKeepalived(useFile, configId);
                if (!loaded.applied()) {
                    director.close();
                    for (ConfigProblem p : loaded.problems()) {
                        err.println("jlvs: " + p.format(true));
                    }
                    err.println("jlvs: " + loaded.summary());
                    err.flush();
                    return 1;
                }
            }
            if (interfaces != null && !interfaces.isEmpty()) {
                // after keepalived.conf: the data plane starts on the whole table (a configuration it cannot hold
                // is refused here, at once); sync daemons the file started already are moved onto its workers
                try {
                    org.slf4j.Logger log = LoggerFactory.getLogger(RunCommand.class);
                    vs.appliedLines().forEach(line -> log.info("IPVS setting {}", line));
                    vs.problems().forEach(line -> log.warn("IPVS setting {}", line));
                    director.startPacketDataPlane(interfaces, afXdp, offloadAfter, packetWorkers, !noLocalClients,
                            vs.connSettings(), marks, packetBusyPoll,
                            packetConnections != null ? packetConnections : PacketTableSize.DEFAULT,
                            ftpPorts != null ? List.copyOf(ftpPorts) : List.of(),
                            ftpPassivePorts != null ? io.jlvs.packet.FtpPassivePorts.parse(ftpPassivePorts) : null,
                            answerArp);
                    if (ftpPorts != null && ftpPassivePorts == null) {
                        log.warn("--ftp-ports without --ftp-passive-ports: every TCP port of the FTP virtual "
                                + "addresses and of their NAT real servers goes to the data plane, so local TCP "
                                + "services on those addresses (sshd) do not answer there and the real servers' own "
                                + "outgoing TCP skips the director's netfilter (MASQUERADE, FORWARD); give the FTP "
                                + "servers' passive range with --ftp-passive-ports LO-HI");
                    }
                    warnUnmarkedFwmarkServices(director, marks, log);
                    serviceWarnings.warn(director.table().services(), log);
                } catch (IllegalStateException e) {
                    director.close();
                    err.println("jlvs: " + e.getMessage());
                    err.flush();
                    return 1;
                }
            }
            if ((interfaces == null || interfaces.isEmpty()) && hasPacketForwardedServers(director)) {
                LoggerFactory.getLogger(RunCommand.class).warn("real servers with Masq/Route/Tunnel forwarding get "
                        + "no traffic from other hosts without the packet data plane: run with -I IFNAME (FULLNAT "
                        + "needs nothing; this host's own clients reach them through the FULLNAT proxy, as IPVS "
                        + "serves local clients)");
            }
            try {
                daemon = DaemonProcess.start(new DaemonOptions(socketPath, pid, director));
            } catch (DaemonStartException e) {
                director.close();
                err.println("jlvs: " + e.getMessage());
                err.flush();
                return 1;
            }
        } finally {
            // after a failure's own clean-up: the hook lets the JVM end only once it is done
            if (daemon != null) {
                shutdownHook.started(daemon);
            } else {
                shutdownHook.failed();
            }
        }
        if (interruptWasIgnored) {
            InterruptSignal.announce("jlvs");
        }
        if (adminOptions != null) {
            try {
                director.startAdmin(adminOptions);
            } catch (IOException e) {
                daemon.close();
                err.println("jlvs: " + e.getMessage() + " (or run with --no-admin)");
                err.flush();
                return 1;
            }
        }
        daemon.ready();
        started.accept(daemon);
        daemon.awaitStopped();
        return 0;
    }

    /** What is wrong with --ftp-ports or --ftp-passive-ports, or null. */
    private String ftpPortsProblem() {
        if (ftpPassivePorts != null) {
            if (ftpPorts == null) {
                return "--ftp-passive-ports goes with --ftp-ports";
            }
            try {
                io.jlvs.packet.FtpPassivePorts.parse(ftpPassivePorts);
            } catch (IllegalArgumentException e) {
                return "--ftp-passive-ports takes LO-HI with 1 <= LO <= HI <= 65535: " + ftpPassivePorts;
            }
        }
        if (ftpPorts == null) {
            return null;
        }
        if (interfaces == null || interfaces.isEmpty()) {
            return "--ftp-ports is for the packet data plane: give it -I IFNAME";
        }
        if (ftpPorts.isEmpty() || ftpPorts.size() > 8 || ftpPorts.stream().anyMatch(p -> p < 1 || p > 65535)
                || ftpPorts.stream().distinct().count() != ftpPorts.size()) {
            return "--ftp-ports takes 1 to 8 different ports from 1 to 65535: " + String.join(",",
                    ftpPorts.stream().map(String::valueOf).toList());
        }
        return null;
    }

    /** The sysctl files' IPVS settings, then --sysctl's; throws IllegalArgumentException for a bad --sysctl. */
    private VsSysctls readSysctls() {
        VsSysctls vs = VsSysctls.fromSystemFiles();
        for (String a : sysctls != null ? sysctls : List.<String>of()) {
            vs.set(a);
        }
        return vs;
    }

    /**
     * A fwmark service (keepalived's {@code virtual_server fwmark N}) gets packets only through a
     * --fwmark-rule giving its mark: say so at start for each one that has none, and for each rule's mark
     * that no fwmark service has (a typo; what it marks is left to the kernel).
     */
    private static void warnUnmarkedFwmarkServices(Director director, List<io.jlvs.packet.FwmarkRule> rules,
                                                   org.slf4j.Logger log) {
        java.util.Set<Integer> given = new java.util.HashSet<>();
        rules.forEach(r -> given.add(r.mark()));
        director.table().services().stream()
                .map(v -> v.service().key())
                .filter(k -> k instanceof io.jlvs.core.model.FwmarkServiceKey)
                .map(k -> (io.jlvs.core.model.FwmarkServiceKey) k)
                .filter(k -> k.family() == io.jlvs.core.AddressFamily.INET && !given.contains(k.fwmark()))
                .forEach(k -> log.warn("fwmark service {} gets no packets from the packet data plane, which sees "
                        + "no netfilter mark: give its addresses and ports with --fwmark-rule {}:PROTO:ADDRESSES"
                        + "[:PORTS]", Integer.toUnsignedString(k.fwmark()), Integer.toUnsignedString(k.fwmark())));
        java.util.Set<Integer> served = new java.util.HashSet<>();
        director.table().services().stream().map(v -> v.service().key())
                .filter(k -> k instanceof io.jlvs.core.model.FwmarkServiceKey)
                .forEach(k -> served.add(((io.jlvs.core.model.FwmarkServiceKey) k).fwmark()));
        given.stream().filter(m -> !served.contains(m)).sorted()
                .forEach(m -> log.warn("--fwmark-rule mark {}: no fwmark service {} (yet); the packets it marks are "
                        + "left to the kernel", Integer.toUnsignedString(m), Integer.toUnsignedString(m)));
    }

    private static boolean hasPacketForwardedServers(Director director) {
        return director.table().services().stream().flatMap(v -> v.realServers().stream())
                .anyMatch(r -> r.server().method() != io.jlvs.core.ForwardingMethod.FULLNAT);
    }

    /**
     * SIGHUP re-reads the file, as it does for keepalived. The JDK has no supported API for handling a signal;
     * sun.misc.Signal (module jdk.unsupported, which stays available by design for exactly such uses) is the
     * one way to catch HUP without native code. Without a file the signal is logged and ignored (the JVM's
     * default for HUP would stop the daemon).
     */
    private static void installReloadSignal(Director director, java.util.function.Supplier<VsSysctls> sysctls,
                                            Runnable afterPacketReload) {
        boolean wasIgnored = false;
        try {
            // started by nohup (or anything else that leaves SIGHUP ignored), the JVM would install no handler
            // and every reload would be ignored without a word; keepalived handles SIGHUP however it started
            wasIgnored = new io.jlvs.sys.Syscalls().unignoreSignal(1);
        } catch (RuntimeException | LinkageError e) {
            LoggerFactory.getLogger(RunCommand.class).warn("cannot tell whether SIGHUP is ignored ({}): if jlvs was "
                    + "started with nohup, reloads may be ignored", e.toString());
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                if (director.packetDataPlaneRuns()) {
                    // the IPVS sysctls of the sysctl files again (as an SRE edits /etc/sysctl.d and runs sysctl)
                    org.slf4j.Logger log = LoggerFactory.getLogger(RunCommand.class);
                    try {
                        VsSysctls vs = sysctls.get();
                        vs.problems().forEach(line -> log.warn("IPVS setting {}", line));
                        if (director.packetConnSettings(vs.connSettings())) {
                            vs.appliedLines().forEach(line -> log.info("SIGHUP: IPVS setting {}", line));
                        }
                    } catch (RuntimeException e) {
                        // the keepalived.conf reload below goes on
                        log.error("SIGHUP: IPVS settings not re-read: {}", e.toString());
                    }
                }
                if (director.keepalived() != null) {
                    director.reloadKeepalived().thenRun(() -> {
                        if (director.packetDataPlaneRuns()) {
                            // fwmark services the new file added, and rules whose service it removed
                            afterPacketReload.run();
                        }
                    });
                } else if (!director.packetDataPlaneRuns()) {
                    LoggerFactory.getLogger(RunCommand.class).warn("SIGHUP: no keepalived.conf (run -f FILE); "
                            + "nothing to reload");
                }
            });
            if (wasIgnored) {
                LoggerFactory.getLogger(RunCommand.class).info("SIGHUP was ignored when jlvs started (nohup?): it is "
                        + "handled, for reloads");
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            if (wasIgnored) {
                // no handler after all: ignored again, as it was, rather than stopping the daemon on a hangup
                new io.jlvs.sys.Syscalls().ignoreSignal(1);
            }
            LoggerFactory.getLogger(RunCommand.class).warn("cannot handle SIGHUP ({}); use 'jlvs reload'", e.toString());
        }
    }
}
