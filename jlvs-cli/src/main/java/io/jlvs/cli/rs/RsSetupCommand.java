package io.jlvs.cli.rs;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.RealServerSetup;
import io.jlvs.sys.Syscalls;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlvs rs-setup dr|tun VIP [--undo]}: prepares a DR or TUN real server (the VIP on lo, ARP for it
 * hidden), or reverts exactly what it changed. See {@link RealServerSetup}.
 */
@Command(name = "rs-setup", mixinStandardHelpOptions = true,
        description = "On a DR or TUN real server: put the VIP on lo (/32) and set arp_ignore=1, arp_announce=2; "
                + "--undo reverts what it changed.")
public final class RsSetupCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "dr|tun", description = "The forwarding method of the real server.")
    String method;

    @Parameters(index = "1", paramLabel = "VIP", description = "The virtual IPv4 address.")
    String vip;

    @Option(names = "--undo", description = "Revert what an earlier rs-setup of this VIP changed.")
    boolean undo;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the prior values are remembered (default: /run/jlvs, or /run/jlvs/netns-INODE "
                    + "inside a network namespace other than the host's, or when the host's cannot be read, so that "
                    + "real servers sharing one host in namespaces keep apart).")
    Path stateDir;

    /**
     * The default state directory: {@code base} in init's network namespace, a subdirectory for any other, and
     * for this one when init's cannot be read (pid 1 of another pid namespace, as in a container): it cannot
     * be told from another namespace of the host then, and two sharing {@code base} would undo each other's.
     */
    static Path defaultStateDir(Path base, String ownNetns, String initNetns) {
        if (ownNetns == null || ownNetns.equals(initNetns)) {
            return base;
        }
        // "net:[4026532281]"
        String inode = ownNetns.replaceAll("[^0-9]", "");
        return inode.isEmpty() ? base : base.resolve("netns-" + inode);
    }

    private static String netns(String pid) {
        try {
            return java.nio.file.Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString();
        } catch (java.io.IOException | SecurityException e) {
            return null;
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final IntSupplier effectiveUid;
    private final Path procSys;

    public RsSetupCommand() {
        this(System.out, System.err, () -> new Syscalls().geteuid(), Path.of("/proc/sys"));
    }

    RsSetupCommand(PrintStream out, PrintStream err, IntSupplier effectiveUid, Path procSys) {
        this.out = out;
        this.err = err;
        this.effectiveUid = effectiveUid;
        this.procSys = procSys;
    }

    @Override
    public Integer call() {
        if (!method.equals("dr") && !method.equals("tun")) {
            err.println("jlvs rs-setup: unknown method '" + method + "' (dr or tun)");
            return 2;
        }
        IpAddress address = RsArguments.ipv4(vip);
        if (address == null) {
            err.println("jlvs rs-setup: '" + vip + "' is not an IPv4 address");
            return 2;
        }
        if (effectiveUid.getAsInt() != 0) {
            err.println("jlvs rs-setup: must be run as root (it changes addresses and sysctls)");
            return 1;
        }
        Path base = Path.of("/run/jlvs");
        Path dir = stateDir != null ? stateDir : defaultStateDir(base, netns("self"), netns("1"));
        if (undo && !dir.equals(base) && !java.nio.file.Files.exists(dir.resolve("rs-setup-" + address))
                && java.nio.file.Files.exists(base.resolve("rs-setup-" + address))) {
            // set up by a jlvs from before the per-namespace state, which kept it in /run/jlvs
            err.println("jlvs rs-setup: " + address + " has no state for this network namespace in " + dir
                    + ", but " + base + " has one (written by an older jlvs?): if it is this namespace's, undo with "
                    + "--state-dir " + base);
            return 1;
        }
        RealServerSetup setup = new RealServerSetup(procSys, dir);
        try {
            if (undo) {
                setup.undo(address).forEach(out::println);
                return 0;
            }
            boolean again = setup.isApplied(address);
            List<String> done = setup.apply(address);
            done.forEach(out::println);
            if (done.isEmpty()) {
                out.println(address + (again ? " was already set up" : " needed no change"));
            }
            return 0;
        } catch (IllegalStateException | NativeIoException e) {
            err.println("jlvs rs-setup: " + e.getMessage());
            return 1;
        }
    }
}
