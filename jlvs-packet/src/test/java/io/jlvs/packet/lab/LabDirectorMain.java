package io.jlvs.packet.lab;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.packet.FwmarkRule;
import io.jlvs.packet.PacketDirector;
import io.jlvs.packet.PacketDirectorSettings;
import io.jlvs.sys.RingVersion;
import io.jlvs.sys.TxMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The director of the packet lab, run as a child JVM inside the director's network namespace:
 * {@code LabDirectorMain <Masq|Route|Tunnel|TunnelGue|TunnelGre|TunnelGreCsum> <if1[,if2]> <vip> <rs1,rs2,...> [port,...]}. Starts an engine with
 * {@code -t vip:80 -s rr} and the real servers at weight 1 (and {@code -s sh} TCP and UDP services on the extra ports), a {@link PacketDirector} on the interfaces,
 * prints {@code READY}, then answers lines on stdin: {@code stats} (one line per real server:
 * address conns inpkts outpkts inbytes outbytes, then END), {@code weight <rs> <w>}, {@code active} (address activeconns lines, then END), {@code counters}
 * (name=value lines, then END), {@code guard} (the nft script, then END), {@code quit}.
 */
public final class LabDirectorMain {
    /** The real servers' GUE port in the TunnelGue lab. */
    static final int GUE_PORT = 6080;

    private LabDirectorMain() {
    }

    /**
     * The data plane's defaults, or what the system properties {@code jlvs.lab.ring} ({@code TPACKET_V2},
     * {@code TPACKET_V3}), {@code jlvs.lab.tx} ({@code SENDTO}, {@code TX_RING}), {@code jlvs.lab.qdiscBypass}
     * ({@code true}, {@code false}), {@code jlvs.lab.nice}, {@code jlvs.lab.workers}, {@code jlvs.lab.xdp}
     * ({@code true}: AF_XDP I/O), {@code jlvs.lab.offload} (packets before a connection goes to the XDP fast
     * path), {@code jlvs.lab.answerArp} ({@code true}: answer ARP and neighbour solicitations for the VIPs) and
     * {@code jlvs.lab.xdpMode} ({@code NATIVE}, {@code GENERIC}) say (bench/packet.sh compares them).
     */
    static PacketDirectorSettings settings(List<String> interfaces) {
        PacketDirectorSettings s = PacketDirectorSettings.of(interfaces);
        String ring = System.getProperty("jlvs.lab.ring");
        if (ring != null) {
            s = s.withRingVersion(RingVersion.valueOf(ring));
        }
        String tx = System.getProperty("jlvs.lab.tx");
        if (tx != null) {
            s = s.withTxMode(TxMode.valueOf(tx));
        }
        String bypass = System.getProperty("jlvs.lab.qdiscBypass");
        if (bypass != null) {
            s = s.withQdiscBypass(Boolean.parseBoolean(bypass));
        }
        s = s.withWorkerNice(Integer.getInteger("jlvs.lab.nice", 0));
        s = s.withAfXdp(Boolean.getBoolean("jlvs.lab.xdp"));
        s = s.withOffloadAfter(Integer.getInteger("jlvs.lab.offload", -1));
        s = s.withBusyPollMicros(Integer.getInteger("jlvs.lab.busyPoll", 0));
        String mode = System.getProperty("jlvs.lab.xdpMode");
        if (mode != null) {
            s = s.withXdpMode(io.jlvs.sys.XdpMode.valueOf(mode));
        }
        String ftp = System.getProperty("jlvs.lab.ftp");
        if (ftp != null) {
            s = s.withFtpPorts(Arrays.stream(ftp.split(",")).map(Integer::valueOf).toList());
        }
        String passive = System.getProperty("jlvs.lab.ftpPassive");
        if (passive != null) {
            s = s.withFtpPassivePorts(io.jlvs.packet.FtpPassivePorts.parse(passive));
        }
        // jlvs.lab.answerArp=true: ARP and IPv6 neighbour solicitations for the VIPs answered by the workers
        s = s.withAnswerArp(Boolean.getBoolean("jlvs.lab.answerArp"));
        return s.withWorkers(Integer.getInteger("jlvs.lab.workers", 1));
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ForwardingMethod method = ForwardingMethod.valueOf(switch (args[0]) {
            case "Masq" -> "MASQ";
            case "Route" -> "DROUTE";
            default -> "TUNNEL";
        });
        // TunnelGue: GUE to the real servers' UDP port GUE_PORT instead of IPIP; TunnelGre: GRE, TunnelGreCsum:
        // GRE with checksums (--tun-csum)
        Tunnel tunnel = switch (args[0]) {
            case "TunnelGue" -> new Tunnel(TunnelType.GUE, GUE_PORT, TunnelChecksum.NOCSUM);
            case "TunnelGre" -> new Tunnel(TunnelType.GRE, 0, TunnelChecksum.NOCSUM);
            case "TunnelGreCsum" -> new Tunnel(TunnelType.GRE, 0, TunnelChecksum.CSUM);
            default -> null;
        };
        List<String> interfaces = Arrays.asList(args[1].split(","));
        IpAddress vip = IpAddress.parse(args[2]);
        List<String> servers = Arrays.asList(args[3].split(","));
        // jlvs.lab.fwmark=true: the web service is fwmark service 1, its packets marked by a rule (TCP to VIP:80)
        boolean fwmark = Boolean.getBoolean("jlvs.lab.fwmark");
        VirtualServiceKey key = fwmark ? new FwmarkServiceKey(1, AddressFamily.INET)
                : new InetServiceKey(Protocol.TCP, vip, 80);
        IpvsEngine engine = new IpvsEngine();
        PacketDirector director;
        PacketDirectorSettings settings = settings(interfaces);
        if (fwmark) {
            settings = settings.withFwmarkRules(List.of(new FwmarkRule(Protocol.TCP, vip, vip, 80, 80, 1)));
        }
        try {
            director = PacketDirector.start(engine, settings);
        } catch (IllegalStateException e) {
            out.println("FAILED " + e.getMessage());
            return;
        }
        try (director) {
            engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "rr")));
            for (String rs : servers) {
                engine.execute(new IpvsCommand.AddServer(key, server(rs, 80, method, 1, tunnel)));
            }
            if (args.length > 4) {
                // extra ports for benchmarks (iperf3): source hashing keeps a client's connections together,
                // across protocols too (sh hashes the client address only), so an iperf3 UDP test and its
                // TCP control connection reach the same real server
                for (String port : args[4].split(",")) {
                    for (Protocol protocol : List.of(Protocol.TCP, Protocol.UDP)) {
                        InetServiceKey extra = new InetServiceKey(protocol, vip, Integer.parseInt(port));
                        engine.execute(new IpvsCommand.AddService(VirtualService.of(extra, "sh")));
                        for (String rs : servers) {
                            engine.execute(new IpvsCommand.AddServer(extra,
                                    server(rs, extra.port(), method, 1, tunnel)));
                        }
                    }
                }
            }
            int sipPort = Integer.getInteger("jlvs.lab.sip", 0);
            if (sipPort > 0) {
                // jlvs.lab.sip=PORT: -u vip:PORT -s rr -p 300 -M 0.0.0.0 --pe sip, same real servers (SipLabTest)
                InetServiceKey sip = new InetServiceKey(Protocol.UDP, vip, sipPort);
                engine.execute(new IpvsCommand.AddService(new VirtualService(sip, "rr", java.util.Set.of(), 300, 0,
                        false, "sip")));
                for (String rs : servers) {
                    engine.execute(new IpvsCommand.AddServer(sip, server(rs, sipPort, method, 1, tunnel)));
                }
            }
            if (System.getProperty("jlvs.lab.ftp") != null) {
                // jlvs.lab.ftp=P[,Q]: the FTP helper on those ports, and an rr TCP service on the first
                InetServiceKey ftp = new InetServiceKey(Protocol.TCP, vip,
                        Integer.parseInt(System.getProperty("jlvs.lab.ftp").split(",")[0]));
                engine.execute(new IpvsCommand.AddService(VirtualService.of(ftp, "rr")));
                for (String rs : servers) {
                    engine.execute(new IpvsCommand.AddServer(ftp, server(rs, ftp.port(), method, 1, tunnel)));
                }
            }
            // jlvs.lab.ipv6Service=VIP6,RS6,...: a TCP service [VIP6]:80, rr, the same method
            String ipv6Service = System.getProperty("jlvs.lab.ipv6Service");
            InetServiceKey key6 = null;
            if (ipv6Service != null) {
                String[] v6 = ipv6Service.split(",");
                key6 = new InetServiceKey(Protocol.TCP, IpAddress.parse(v6[0]), 80);
                engine.execute(new IpvsCommand.AddService(VirtualService.of(key6, "rr")));
                for (int i = 1; i < v6.length; i++) {
                    engine.execute(new IpvsCommand.AddServer(key6, server(v6[i], 80, method, 1, tunnel)));
                }
                // and UDP [VIP6]:5300, rr
                InetServiceKey udp6 = new InetServiceKey(Protocol.UDP, IpAddress.parse(v6[0]), 5300);
                engine.execute(new IpvsCommand.AddService(VirtualService.of(udp6, "rr")));
                for (int i = 1; i < v6.length; i++) {
                    engine.execute(new IpvsCommand.AddServer(udp6, server(v6[i], 5300, method, 1, tunnel)));
                }
                if (System.getProperty("jlvs.lab.ftp") != null) {
                    // with jlvs.lab.ftp the FTP service on [VIP6] too, rr, the same method
                    InetServiceKey ftp6 = new InetServiceKey(Protocol.TCP, IpAddress.parse(v6[0]),
                            Integer.parseInt(System.getProperty("jlvs.lab.ftp").split(",")[0]));
                    engine.execute(new IpvsCommand.AddService(VirtualService.of(ftp6, "rr")));
                    for (int i = 1; i < v6.length; i++) {
                        engine.execute(new IpvsCommand.AddServer(ftp6, server(v6[i], ftp6.port(), method, 1, tunnel)));
                    }
                }
            }
            out.println("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                switch (w[0]) {
                    case "stats", "stats6" -> {
                        // the port-80 service's real servers (the extra ports' services have the same addresses);
                        // stats6: the IPv6 service's
                        VirtualServiceKey wanted = w[0].equals("stats6") ? key6 : key;
                        for (VirtualServiceView v : engine.table().services()) {
                            if (!v.service().key().equals(wanted)) {
                                continue;
                            }
                            for (RealServerView r : v.realServers()) {
                                var s = r.stats();
                                out.println(r.server().address() + " " + s.conns() + " " + s.inPackets() + " "
                                        + s.outPackets() + " " + s.inBytes() + " " + s.outBytes());
                            }
                        }
                        out.println("END");
                    }
                    case "active" -> {
                        for (VirtualServiceView v : engine.table().services()) {
                            if (!v.service().key().equals(key)) {
                                continue;
                            }
                            for (RealServerView r : v.realServers()) {
                                out.println(r.server().address() + " " + r.activeConns());
                            }
                        }
                        out.println("END");
                    }
                    case "weight" -> {
                        engine.execute(new IpvsCommand.EditServer(key, server(w[1], 80, method,
                                Integer.parseInt(w[2]), tunnel)));
                        out.println("OK");
                    }
                    case "addvip" -> {
                        // another TCP service on port 80 at w[1], same real servers: the packet filter changes
                        InetServiceKey added = new InetServiceKey(Protocol.TCP, IpAddress.parse(w[1]), 80);
                        engine.execute(new IpvsCommand.AddService(VirtualService.of(added, "rr")));
                        for (String rs : servers) {
                            engine.execute(new IpvsCommand.AddServer(added, server(rs, 80, method, 1, tunnel)));
                        }
                        out.println("OK");
                    }
                    case "counters" -> {
                        for (Map.Entry<String, Long> e : director.counters().entrySet()) {
                            out.println(e.getKey() + "=" + e.getValue());
                        }
                        out.println("END");
                    }
                    case "conns" -> {
                        // the connection entries as jlvsadm -Lnc lists them: client, virtual, real server, state
                        engine.connections().stream().filter(c -> !c.template()).forEach(c -> out.println(
                                c.client().withPort(c.clientPort()) + " " + c.virtualAddress().withPort(c.virtualPort())
                                        + " " + c.destination().withPort(c.destinationPort()) + " " + c.state()));
                        out.println("END");
                    }
                    case "guard" -> {
                        out.print(director.kernelGuardScript());
                        out.println("END");
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("ERR unknown command " + w[0]);
                }
            }
        }
    }

    /** A TUN real server's tunnel other than IPIP: --tun-type, --tun-port, checksum. */
    private record Tunnel(TunnelType type, int port, TunnelChecksum checksum) {
    }

    private static RealServer server(String address, int port, ForwardingMethod method, int weight, Tunnel tunnel) {
        return tunnel != null
                ? new RealServer(IpAddress.parse(address), port, method, weight, 0, 0, tunnel.type(), tunnel.port(),
                        tunnel.checksum())
                : RealServer.of(IpAddress.parse(address), port, method, weight);
    }
}
