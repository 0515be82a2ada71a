package io.jlvs.cli.rs;

import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelType;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.RealServerTunnel;
import io.jlvs.sys.Syscalls;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlvs rs-tunnel VIP... [--gue PORT | --gre]}: the decapsulating agent of a TUN real server whose kernel
 * has no ipip (ip_gre, fou; for IPv6 virtual addresses ip6_tunnel, ip6_gre) module. Runs in the foreground until
 * SIGTERM or SIGINT; see {@link RealServerTunnel}.
 */
@Command(name = "rs-tunnel", mixinStandardHelpOptions = true,
        description = "On a TUN real server without the ipip module: receive IPIP (or GUE, or GRE) from the director "
                + "and hand the inner packets to the local stack through a TUN device, until SIGTERM or SIGINT. "
                + "For IPv6 virtual addresses: IPv6-in-IPv6 (or GUE, or GRE over IPv6).")
public final class RsTunnelCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "VIP", description = "The virtual addresses (IPv4 or IPv6) to accept.")
    List<String> vips;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    TunnelChoice tunnelChoice;

    /** --gue PORT or --gre, not both; IPIP when neither. */
    static final class TunnelChoice {
        @Option(names = "--gue", paramLabel = "PORT",
                description = "Receive GUE on this UDP port (the real server's tunnel_port) instead of IPIP.")
        Integer guePort;

        @Option(names = "--gre",
                description = "Receive GRE (IP protocol 47; --tun-type gre, with or without --tun-csum) instead of IPIP.")
        boolean gre;
    }

    @Option(names = "--dev", paramLabel = "NAME", defaultValue = "jlvstun%d",
            description = "The TUN device to create (default: ${DEFAULT-VALUE}, numbered by the kernel).")
    String device;

    private final PrintStream out;
    private final PrintStream err;
    private final IntSupplier effectiveUid;

    public RsTunnelCommand() {
        this(System.out, System.err, () -> new Syscalls().geteuid());
    }

    RsTunnelCommand(PrintStream out, PrintStream err, IntSupplier effectiveUid) {
        this.out = out;
        this.err = err;
        this.effectiveUid = effectiveUid;
    }

    @Override
    public Integer call() {
        Set<IpAddress> addresses = new LinkedHashSet<>();
        for (String v : vips) {
            IpAddress a = RsArguments.address(v);
            if (a == null) {
                err.println("jlvs rs-tunnel: '" + v + "' is not an IPv4 or IPv6 address");
                return 2;
            }
            addresses.add(a);
        }
        Integer guePort = tunnelChoice == null ? null : tunnelChoice.guePort;
        TunnelType type = guePort != null ? TunnelType.GUE
                : tunnelChoice != null && tunnelChoice.gre ? TunnelType.GRE : TunnelType.IPIP;
        if (guePort != null && (guePort < 1 || guePort > 65535)) {
            err.println("jlvs rs-tunnel: --gue port must be 1..65535: " + guePort);
            return 2;
        }
        if (effectiveUid.getAsInt() != 0) {
            err.println("jlvs rs-tunnel: must be run as root (it creates a TUN device and a raw socket)");
            return 1;
        }
        RealServerTunnel tunnel;
        try {
            tunnel = RealServerTunnel.open(addresses, type, guePort == null ? 0 : guePort, device, Path.of("/proc/sys"));
        } catch (IllegalStateException | IllegalArgumentException | NativeIoException | UncheckedIOException e) {
            err.println("jlvs rs-tunnel: " + e.getMessage());
            return 1;
        }
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            running.set(false);
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rs-tunnel-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (tunnel) {
            boolean v4 = addresses.stream().anyMatch(IpAddress::isV4);
            boolean v6 = addresses.stream().anyMatch(a -> !a.isV4());
            String what = switch (type) {
                case IPIP -> v4 && v6 ? "IPIP and IPv6-in-IPv6" : v6 ? "IPv6-in-IPv6" : "IPIP";
                case GRE -> v6 ? "GRE" + (v4 ? " over IPv4 and IPv6" : " over IPv6") : "GRE";
                case GUE -> "GUE on UDP port " + guePort;
            };
            out.println("jlvs rs-tunnel: decapsulating " + what + " for " + addresses.stream().map(IpAddress::toString).collect(Collectors.joining(", "))
                    + " into " + tunnel.deviceName());
            out.flush();
            tunnel.run(running::get);
            out.println("jlvs rs-tunnel: delivered " + tunnel.delivered() + ", not for a VIP "
                    + tunnel.notForVirtualAddress() + ", malformed " + tunnel.malformed()
                    + (type == TunnelType.GRE ? ", bad checksum " + tunnel.badChecksum() : ""));
            out.flush();
            return 0;
        } finally {
            stopped.countDown();
        }
    }
}
