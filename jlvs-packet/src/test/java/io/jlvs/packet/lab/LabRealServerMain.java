package io.jlvs.packet.lab;

import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelType;
import io.jlvs.sys.RealServerSetup;
import io.jlvs.sys.RealServerTunnel;
import java.nio.file.Path;
import java.util.Set;

/**
 * A real server's side of the packet lab, run as a child JVM in the real server's namespace, doing what
 * {@code jlvs rs-setup dr VIP} and {@code jlvs rs-tunnel VIP} do: {@code LabRealServerMain dr VIP STATE_DIR}
 * puts the VIP on lo with ARP hidden and exits; {@code LabRealServerMain tun VIP STATE_DIR} does the same,
 * then opens the TUN device and decapsulates IPIP (GUE with a fourth argument, the UDP port; GRE with a
 * fourth argument {@code gre}) into it,
 * printing {@code READY <device>}, until killed. {@code VIP} may be a list, {@code VIP,VIP6}: the IPv4 one is set
 * up as {@code rs-setup} does, all are decapsulated for (IPv6-in-IPv6 or GRE over IPv6 for the IPv6 one).
 */
public final class LabRealServerMain {
    private LabRealServerMain() {
    }

    public static void main(String[] args) {
        Set<IpAddress> vips = new java.util.LinkedHashSet<>();
        for (String a : args[1].split(",")) {
            vips.add(IpAddress.parse(a));
        }
        IpAddress vip = vips.iterator().next();
        Path procSys = Path.of("/proc/sys");
        new RealServerSetup(procSys, Path.of(args[2])).apply(vip).forEach(System.out::println);
        if (!args[0].equals("tun")) {
            return;
        }
        TunnelType type = args.length < 4 ? TunnelType.IPIP : args[3].equals("gre") ? TunnelType.GRE : TunnelType.GUE;
        int guePort = type == TunnelType.GUE ? Integer.parseInt(args[3]) : 0;
        try (RealServerTunnel tunnel = RealServerTunnel.open(vips, type, guePort, "jlvstun%d", procSys)) {
            System.out.println("READY " + tunnel.deviceName());
            System.out.flush();
            tunnel.run(() -> true);
        }
    }
}
