package io.jlvs.cli.daemon;

import io.jlvs.conn.ConnTableSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The IPVS sysctls ({@code net.ipv4.vs.*}) of the packet data plane. An SRE sets them with {@code sysctl}
 * and keeps them in {@code /etc/sysctl.d}; without the IPVS module the kernel has no such keys, so jlvs reads
 * them from the same files, in systemd-sysctl's order ({@code *.conf} of {@code /usr/lib/sysctl.d},
 * {@code /run/sysctl.d} and {@code /etc/sysctl.d} by file name, a name in a later directory replacing the
 * same name in an earlier one, then {@code /etc/sysctl.conf}; a later assignment wins), and then from
 * {@code jlvs run --sysctl KEY=VALUE}. Applied: expire_nodest_conn, expire_quiescent_template,
 * conn_reuse_mode, sloppy_tcp, sloppy_sctp. Other {@code net.ipv4.vs} keys are reported as not applied.
 * A bad value in a file is reported and the default kept (as {@code sysctl -p} goes on past a bad line); a
 * bad {@code --sysctl} is refused.
 */
final class VsSysctls {
    static final String PREFIX = "net.ipv4.vs.";
    static final List<Path> DIRECTORIES = List.of(Path.of("/usr/lib/sysctl.d"), Path.of("/run/sysctl.d"),
            Path.of("/etc/sysctl.d"));
    static final Path SYSCTL_CONF = Path.of("/etc/sysctl.conf");

    /** One assignment: the key without {@link #PREFIX}, its value, and where it was made. */
    record Assignment(String key, String value, String origin) {
    }

    private final Map<String, Assignment> assignments = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /** The assignments of the system's sysctl files. */
    static VsSysctls fromSystemFiles() {
        return fromFiles(DIRECTORIES, SYSCTL_CONF);
    }

    static VsSysctls fromFiles(List<Path> directories, Path sysctlConf) {
        VsSysctls s = new VsSysctls();
        Map<String, Path> byName = new TreeMap<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.conf")) {
                for (Path f : files) {
                    byName.put(f.getFileName().toString(), f);
                }
            } catch (IOException e) {
                s.problems.add(dir + ": " + e.getMessage());
            }
        }
        List<Path> order = new ArrayList<>(byName.values());
        if (Files.isRegularFile(sysctlConf)) {
            order.add(sysctlConf);
        }
        for (Path f : order) {
            s.read(f);
        }
        return s;
    }

    private void read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(file + ": " + e.getMessage());
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("-")) {
                line = line.substring(1).strip(); // "ignore errors" marker of sysctl.d
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).strip().replace('/', '.');
            if (key.startsWith(PREFIX)) {
                String origin = file + ":" + (i + 1);
                String value = line.substring(eq + 1).strip();
                String why = check(key.substring(PREFIX.length()), value);
                if (why != null) {
                    problems.add(origin + ": " + why + "; the default is kept");
                } else {
                    assignments.put(key.substring(PREFIX.length()), new Assignment(key.substring(PREFIX.length()),
                            value, origin));
                }
            }
        }
    }

    /**
     * {@code jlvs run --sysctl}: {@code net.ipv4.vs.KEY=VALUE} (or {@code KEY=VALUE}); throws
     * {@link IllegalArgumentException} with one line when it is not one jlvs applies or its value is bad.
     */
    void set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("--sysctl takes KEY=VALUE, e.g. net.ipv4.vs.expire_nodest_conn=1: '"
                    + assignment + "'");
        }
        String key = assignment.substring(0, eq).strip().replace('/', '.');
        key = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
        String value = assignment.substring(eq + 1).strip();
        if (!applied(key)) {
            throw new IllegalArgumentException("--sysctl " + PREFIX + key + ": jlvs applies only " + PREFIX
                    + "expire_nodest_conn, expire_quiescent_template, conn_reuse_mode, sloppy_tcp and sloppy_sctp");
        }
        String why = check(key, value);
        if (why != null) {
            throw new IllegalArgumentException("--sysctl " + PREFIX + key + ": " + why);
        }
        assignments.put(key, new Assignment(key, value, "--sysctl"));
    }

    private static boolean applied(String key) {
        return switch (key) {
            case "expire_nodest_conn", "expire_quiescent_template", "conn_reuse_mode", "sloppy_tcp", "sloppy_sctp" ->
                    true;
            default -> false;
        };
    }

    /** Why {@code value} is not one for {@code key}, or null (keys jlvs does not apply take any value). */
    private static String check(String key, String value) {
        if (!applied(key)) {
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return "'" + value + "' is not an integer";
        }
        if (key.equals("conn_reuse_mode") && (n < 0 || n > 3)) {
            return "conn_reuse_mode takes 0 to 3, not " + n;
        }
        return null;
    }

    /** The connection table settings: the kernel's defaults, with what was assigned. */
    ConnTableSettings connSettings() {
        ConnTableSettings d = ConnTableSettings.DEFAULTS;
        return new ConnTableSettings(flag("expire_nodest_conn", d.expireNodestConn()),
                flag("expire_quiescent_template", d.expireQuiescentTemplate()),
                assignments.containsKey("conn_reuse_mode")
                        ? Integer.parseInt(assignments.get("conn_reuse_mode").value()) : d.connReuseMode(),
                flag("sloppy_tcp", d.sloppyTcp()), flag("sloppy_sctp", d.sloppySctp()));
    }

    private boolean flag(String key, boolean otherwise) {
        Assignment a = assignments.get(key);
        return a == null ? otherwise : Integer.parseInt(a.value()) != 0;
    }

    /** One line per assignment applied ({@code net.ipv4.vs.sloppy_tcp = 1 (from /etc/sysctl.d/lvs.conf:3)}). */
    List<String> appliedLines() {
        List<String> out = new ArrayList<>();
        for (Assignment a : assignments.values()) {
            if (applied(a.key())) {
                out.add(PREFIX + a.key() + " = " + a.value() + " (from " + a.origin() + ")");
            }
        }
        return out;
    }

    /** One line per bad value, unreadable file and key jlvs does not apply. */
    List<String> problems() {
        List<String> out = new ArrayList<>(problems);
        for (Assignment a : assignments.values()) {
            if (!applied(a.key())) {
                out.add(a.origin() + ": " + PREFIX + a.key() + " is not applied: the packet data plane has no such "
                        + "setting");
            }
        }
        return out;
    }
}
