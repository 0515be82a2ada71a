package io.jlvs.cli.daemon;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.conn.DefenseSettings;
import io.jlvs.conn.ForwardingSettings;
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
 * them from the same files, in systemd-sysctl's order ({@code *.conf} of {@code /lib}, {@code /usr/lib},
 * {@code /usr/local/lib}, {@code /run} and {@code /etc/sysctl.d} by file name, a name in a later directory
 * replacing the same name in an earlier one, then {@code /etc/sysctl.conf} unless one of those is it; a
 * later assignment wins; key globs such as {@code net.ipv4.vs.sloppy_*}; values read as the kernel reads
 * them), and then from
 * {@code jlvs run --sysctl KEY=VALUE}. Applied: expire_nodest_conn, expire_quiescent_template,
 * conn_reuse_mode, sloppy_tcp, sloppy_sctp, and the defences amemthresh, drop_entry, drop_packet, secure_tcp,
 * am_droprate, and schedule_icmp, nat_icmp_send, pmtu_disc. Other {@code net.ipv4.vs} keys are reported as not
 * applied.
 * A bad value in a file is reported and the default kept (as {@code sysctl -p} goes on past a bad line); a
 * bad {@code --sysctl} is refused.
 */
final class VsSysctls {
    static final String PREFIX = "net.ipv4.vs.";
    /** From the least to the most important: a file name in a later one replaces it in an earlier one. */
    static final List<Path> DIRECTORIES = List.of(Path.of("/lib/sysctl.d"), Path.of("/usr/lib/sysctl.d"),
            Path.of("/usr/local/lib/sysctl.d"), Path.of("/run/sysctl.d"), Path.of("/etc/sysctl.d"));
    private static final List<String> APPLIED = List.of("expire_nodest_conn", "expire_quiescent_template",
            "conn_reuse_mode", "sloppy_tcp", "sloppy_sctp", "amemthresh", "drop_entry", "drop_packet", "secure_tcp",
            "am_droprate", "schedule_icmp", "nat_icmp_send", "pmtu_disc");
    /** The defence modes: the kernel refuses any other value than 0..3 (EINVAL). */
    private static final List<String> MODES = List.of("drop_entry", "drop_packet", "secure_tcp");
    static final Path SYSCTL_CONF = Path.of("/etc/sysctl.conf");

    /** One assignment: the key without {@link #PREFIX}, its value, and where it was made. */
    record Assignment(String key, String value, String origin) {
    }

    private final Map<String, Assignment> assignments = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * The assignments of the system's sysctl files, under {@code $JLVS_SYSCTL_ROOT} when set (a container
     * that mounts the host's /etc elsewhere; tests).
     */
    static VsSysctls fromSystemFiles() {
        String root = System.getenv("JLVS_SYSCTL_ROOT");
        if (root == null || root.isEmpty()) {
            return fromFiles(DIRECTORIES, SYSCTL_CONF);
        }
        Path r = Path.of(root);
        return fromFiles(DIRECTORIES.stream().map(d -> r.resolve(d.toString().substring(1))).toList(),
                r.resolve(SYSCTL_CONF.toString().substring(1)));
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
        // Debian links /etc/sysctl.d/99-sysctl.conf to it: read once, in that place
        if (Files.isRegularFile(sysctlConf) && order.stream().noneMatch(f -> sameFile(f, sysctlConf))) {
            order.add(sysctlConf);
        }
        for (Path f : order) {
            s.read(f);
        }
        return s;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private void read(Path file) {
        List<String> lines;
        try {
            // bytes, not UTF-8: a Latin-1 comment must not cost the file's settings
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
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
            String origin = file + ":" + (i + 1);
            if (eq < 0) {
                if (line.replace('/', '.').startsWith(PREFIX)) {
                    problems.add(origin + ": '" + line + "' has no '='; ignored");
                }
                continue;
            }
            String key = line.substring(0, eq).strip().replace('/', '.');
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            String name = key.substring(PREFIX.length());
            List<String> keys = name.contains("*") || name.contains("?")
                    ? APPLIED.stream().filter(k -> k.matches(glob(name))).toList() : List.of(name);
            for (String k : keys) {
                String why = check(k, value);
                if (why != null) {
                    problems.add(origin + ": " + PREFIX + k + ": " + why + "; the default is kept");
                } else {
                    assignments.put(k, new Assignment(k, value, origin));
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
                    + "expire_nodest_conn, expire_quiescent_template, conn_reuse_mode, sloppy_tcp, sloppy_sctp, "
                    + "amemthresh, drop_entry, drop_packet, secure_tcp, am_droprate, schedule_icmp, nat_icmp_send "
                    + "and pmtu_disc");
        }
        String why = check(key, value);
        if (why != null) {
            throw new IllegalArgumentException("--sysctl " + PREFIX + key + ": " + why);
        }
        assignments.put(key, new Assignment(key, value, "--sysctl"));
    }

    private static boolean applied(String key) {
        return APPLIED.contains(key);
    }

    /** A sysctl key glob ({@code *}, {@code ?}) as a regular expression. */
    private static String glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return re.toString();
    }

    /** Why {@code value} is not one for {@code key}, or null (keys jlvs does not apply take any value). */
    private static String check(String key, String value) {
        if (!applied(key)) {
            return null;
        }
        Long n = integer(value);
        if (n == null || n != (int) (long) n) {
            return "'" + value + "' is not an integer";
        }
        if (MODES.contains(key) && (n < 0 || n > 3)) {
            return "'" + value + "' is not a mode (0 off, 1 and 2 automatic, 3 always)";
        }
        return null;
    }

    /**
     * The integer the kernel's proc_dointvec reads from {@code value}: leading blanks, an optional minus, then
     * decimal, or hex after 0x (octal after a leading 0); what follows a blank is not read. Null when there is
     * no number.
     */
    static Long integer(String value) {
        String v = value.strip();
        int end = 0;
        while (end < v.length() && !Character.isWhitespace(v.charAt(end))) {
            end++;
        }
        v = v.substring(0, end);
        boolean negative = v.startsWith("-");
        String digits = negative ? v.substring(1) : v;
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
            return null;
        }
        try {
            long n = Long.parseLong(digits, radix);
            return negative ? -n : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The connection table settings: the kernel's defaults, with what was assigned. */
    ConnTableSettings connSettings() {
        ConnTableSettings d = ConnTableSettings.DEFAULTS;
        int reuse = d.connReuseMode();
        Assignment r = assignments.get("conn_reuse_mode");
        if (r != null) {
            // as IPVS reads it: any non-zero value is on, bit 2 adds FIN_WAIT of DR/TUN entries
            long n = integer(r.value());
            reuse = n == 0 ? 0 : (n & 2) != 0 ? 3 : 1;
        }
        DefenseSettings dd = DefenseSettings.DEFAULTS;
        ForwardingSettings df = ForwardingSettings.DEFAULTS;
        DefenseSettings defense = new DefenseSettings(number("amemthresh", dd.amemthresh()),
                number("drop_entry", dd.dropEntry()), number("drop_packet", dd.dropPacket()),
                number("secure_tcp", dd.secureTcp()), number("am_droprate", dd.amDroprate()));
        return new ConnTableSettings(flag("expire_nodest_conn", d.expireNodestConn()),
                flag("expire_quiescent_template", d.expireQuiescentTemplate()), reuse,
                flag("sloppy_tcp", d.sloppyTcp()), flag("sloppy_sctp", d.sloppySctp()), defense,
                new ForwardingSettings(flag("schedule_icmp", df.scheduleIcmp()),
                        flag("nat_icmp_send", df.natIcmpSend()), flag("pmtu_disc", df.pmtuDisc())));
    }

    private int number(String key, int otherwise) {
        Assignment a = assignments.get(key);
        return a == null ? otherwise : (int) (long) integer(a.value());
    }

    private boolean flag(String key, boolean otherwise) {
        Assignment a = assignments.get(key);
        return a == null ? otherwise : integer(a.value()) != 0;
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
