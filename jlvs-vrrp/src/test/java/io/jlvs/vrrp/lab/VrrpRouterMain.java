package io.jlvs.vrrp.lab;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.runtime.LinuxVrrpHost;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.runtime.VrrpRouter;
import io.jlvs.vrrp.runtime.VrrpRouterListener;
import io.jlvs.vrrp.settings.NotifySettings;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import java.io.BufferedReader;
import java.io.FileReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The jlvs side of the interop lab, run in a child JVM inside a namespace: reads one vrrp_instance from a
 * properties file, runs a {@link VrrpRouter}, and prints {@code TRANSITION name from to nanoTime} and
 * {@code LOG line} to stdout. Commands on stdin: {@code status} prints a {@code STATUS} line, {@code stop}
 * (or end of input) stops gracefully and prints {@code STOPPED}.
 */
public final class VrrpRouterMain {
    private VrrpRouterMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileReader r = new FileReader(args[0], StandardCharsets.UTF_8)) {
            p.load(r);
        }
        VrrpInstanceSettings s = settings(p);
        PrintStream out = System.out;
        VrrpRouter router = new VrrpRouter(List.of(s), List.of(), new LinuxVrrpHost(), System::nanoTime,
                new VrrpRouterListener() {
                    @Override
                    public void transition(String instance, VrrpState from, VrrpState to) {
                        out.println("TRANSITION " + instance + " " + from + " " + to + " " + System.nanoTime());
                    }

                    @Override
                    public void log(String line) {
                        out.println("LOG " + line);
                    }
                });
        router.start();
        // SIGTERM stops gracefully too, as a service manager would stop it
        Runtime.getRuntime().addShutdownHook(new Thread(router::stop, "jlvs-vrrp-stop"));
        out.println("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.trim().equals("stop"); line = in.readLine()) {
            if (line.trim().equals("status")) {
                out.println(status(router.status(s.name())));
            }
        }
        long t = System.nanoTime();
        router.stop();
        out.println("STOPPED " + t);
        out.flush();
    }

    static String status(VrrpInstanceStatus st) {
        var c = st.counters();
        return "STATUS " + st.name() + " state=" + st.state() + " prio=" + st.effectivePriority()
                + " sent=" + c.advertsSent() + " rcvd=" + c.advertsReceived() + " transitions=" + c.transitions()
                + c.drops().entrySet().stream().map(e -> " drop." + e.getKey() + "=" + e.getValue())
                        .sorted().collect(Collectors.joining());
    }

    static VrrpInstanceSettings settings(Properties p) {
        String name = p.getProperty("name", "VI_1");
        VrrpVersion version = p.getProperty("version", "3").equals("2") ? VrrpVersion.V2 : VrrpVersion.V3;
        String label = p.getProperty("vipLabel");
        String scope = p.getProperty("vipScope");
        List<VirtualIpAddress> vips = list(p, "vips").stream().map(VirtualIpAddress::parse)
                .map(v -> new VirtualIpAddress(v.address(), v.prefixLength(), null, label, scope)).toList();
        // routes: "DEST/LEN via GW" or "blackhole DEST/LEN", separated by ';'
        List<VirtualRoute> routes = Arrays.stream(p.getProperty("routes", "").split(";")).map(String::trim)
                .filter(r -> !r.isEmpty()).map(VrrpRouterMain::route).toList();
        // rules: "FROM/LEN TABLE PRIORITY", separated by ';'
        List<VirtualRule> rules = Arrays.stream(p.getProperty("rules", "").split(";")).map(String::trim)
                .filter(r -> !r.isEmpty()).map(r -> r.split("\\s+")).map(r -> new VirtualRule(
                        IpAddress.parse(r[0].split("/")[0]), Integer.parseInt(r[0].split("/")[1]), null, 0, null, null,
                        -1, -1, Integer.parseInt(r[2]), Integer.parseInt(r[1]))).toList();
        List<IpAddress> peers = list(p, "unicastPeers").stream().map(IpAddress::parse).toList();
        String src = p.getProperty("unicastSource");
        String state = p.getProperty("state");
        return new VrrpInstanceSettings(name, p.getProperty("interface"), Integer.parseInt(p.getProperty("vrid")),
                Integer.parseInt(p.getProperty("priority", "0")),
                Integer.parseInt(p.getProperty("advertCentis", "100")), version,
                state == null ? null : VrrpState.valueOf(state),
                Boolean.parseBoolean(p.getProperty("nopreempt", "false")), 0, p.getProperty("authPass"), vips,
                src == null ? null : IpAddress.parse(src), peers,
                Long.parseLong(p.getProperty("garpDelayMillis", "5000")),
                Integer.parseInt(p.getProperty("garpRepeat", "5")), 0, 1, false, List.of(), List.of(), List.of(),
                NotifySettings.NONE, null, routes, rules);
    }

    private static VirtualRoute route(String text) {
        String[] w = text.split("\\s+");
        boolean blackhole = w[0].equals("blackhole");
        String[] dest = w[blackhole ? 1 : 0].split("/");
        IpAddress via = !blackhole && w.length >= 3 && w[1].equals("via") ? IpAddress.parse(w[2]) : null;
        return new VirtualRoute(blackhole ? "blackhole" : "unicast", IpAddress.parse(dest[0]),
                dest.length > 1 ? Integer.parseInt(dest[1]) : 32, via, null, null, -1, 0, null);
    }

    private static List<String> list(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
    }
}
