package io.jlvs.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every keyword of the keyword tables written bare (no words after it) into a configuration that is fine
 * without it, and what keepalived 2.2.7's {@code keepalived --config-test} made of each one
 * ({@code src/test/resources/bare-keywords.tsv}, recorded with {@code scripts/keepalived-bare-keywords.sh}).
 */
final class BareKeywords {
    static final Path RECORDED = Path.of("src/test/resources/bare-keywords.tsv");

    /** A keyword of the block at {@code path} ("" for the top level, else block names joined by '/'). */
    record Case(String path, String keyword, Keyword.Form form) {
        String id() {
            return (path.isEmpty() ? "" : path + "/") + keyword;
        }

        /** The keyword alone: a line, or an empty block. */
        String bare() {
            return form == Keyword.Form.LEAF ? keyword : keyword + " {\n}";
        }

        String config() {
            String t = TEMPLATES.get(path);
            if (t == null) {
                throw new IllegalStateException("no template for block " + path);
            }
            return t.replace("@@", bare());
        }
    }

    /** What keepalived --config-test did: its exit code and its first message about the file. */
    record Recorded(int exit, String message) {
    }

    private static final String RS = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n%s\n }\n}\n";
    private static final String VI = "vrrp_instance VI_1 {\n%s\n interface eth0\n virtual_router_id 51\n priority 100\n"
            + " virtual_ipaddress {\n  10.0.0.100\n }\n}\n";
    private static final String VI2 = "vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 52\n priority 100\n"
            + " virtual_ipaddress {\n  10.0.0.101\n }\n}\n";
    private static final String SECURITY = "global_defs {\n enable_script_security\n script_user root\n}\n";

    /** Each block's template: a configuration keepalived takes without a word, "@@" where the keyword goes. */
    static final Map<String, String> TEMPLATES = new LinkedHashMap<>();

    static {
        TEMPLATES.put("", "@@\n");
        TEMPLATES.put("global_defs", "global_defs {\n@@\n}\n");
        TEMPLATES.put("SSL", "SSL {\n@@\n}\n");
        TEMPLATES.put("virtual_server", "virtual_server 10.0.0.1 80 {\n@@\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 80 {\n }\n}\n");
        TEMPLATES.put("virtual_server/real_server", RS.formatted("@@"));
        String rs = "virtual_server/real_server/";
        for (String c : List.of("TCP_CHECK", "PING_CHECK", "UDP_CHECK", "DNS_CHECK", "SMTP_CHECK")) {
            TEMPLATES.put(rs + c, RS.formatted(c + " {\n@@\n}"));
        }
        TEMPLATES.put(rs + "SMTP_CHECK/host", RS.formatted("SMTP_CHECK {\n host {\n@@\n }\n}"));
        TEMPLATES.put(rs + "MISC_CHECK", SECURITY + RS.formatted("MISC_CHECK {\n@@\n misc_path /bin/true\n}"));
        for (String c : List.of("HTTP_GET", "SSL_GET")) {
            TEMPLATES.put(rs + c, RS.formatted(c + " {\n@@\n url {\n path /\n }\n}"));
            TEMPLATES.put(rs + c + "/url", RS.formatted(c + " {\n url {\n@@\n path /\n }\n}"));
        }
        TEMPLATES.put(rs + "FILE_CHECK", "track_file tf1 {\n file /tmp/jlvs-bare-track\n}\n"
                + RS.formatted("FILE_CHECK {\n@@\n track_file tf1\n}"));
        TEMPLATES.put(rs + "BFD_CHECK", "bfd_instance b1 {\n neighbor_ip 10.0.0.2\n}\n"
                + RS.formatted("BFD_CHECK {\n@@\n name b1\n}"));
        TEMPLATES.put("vrrp_instance", VI.formatted("@@"));
        TEMPLATES.put("vrrp_instance/authentication", VI.formatted("authentication {\n@@\n auth_type PASS\n auth_pass secret\n}"));
        TEMPLATES.put("vrrp_sync_group", VI.formatted("") + VI2 + "vrrp_sync_group G1 {\n@@\n group {\n  VI_1\n  VI_2\n }\n}\n");
        TEMPLATES.put("vrrp_script", SECURITY + "vrrp_script s1 {\n@@\n script /bin/true\n}\n");
        TEMPLATES.put("track_file", "track_file tf1 {\n@@\n file /tmp/jlvs-bare-track\n}\n");
        TEMPLATES.put("vrrp_track_file", "vrrp_track_file tf1 {\n@@\n file /tmp/jlvs-bare-track\n}\n");
        TEMPLATES.put("vrrp_track_process", "vrrp_track_process p1 {\n@@\n process sshd\n}\n");
        TEMPLATES.put("garp_group", "garp_group {\n@@\n garp_interval 1\n interface eth0\n}\n");
        TEMPLATES.put("track_group", VI.formatted("") + "track_group g1 {\n@@\n group {\n  VI_1\n }\n}\n");
        TEMPLATES.put("bfd_instance", "bfd_instance b1 {\n@@\n neighbor_ip 10.0.0.2\n}\n");
    }

    private BareKeywords() {
    }

    /** Every keyword of every block that has a template, in table order. */
    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        walk(RootKeywords.table(), "", out);
        return out;
    }

    private static void walk(KeywordTable t, String path, List<Case> out) {
        for (Keyword k : t.all()) {
            out.add(new Case(path, k.name(), k.form()));
            String sub = path.isEmpty() ? k.name() : path + "/" + k.name();
            if (k.sub() != null && TEMPLATES.containsKey(sub)) {
                walk(k.sub(), sub, out);
            }
        }
    }

    /** The recorded results by case id. */
    static Map<String, Recorded> recorded() {
        Map<String, Recorded> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(RECORDED)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                out.put(f[0], new Recorded(Integer.parseInt(f[1]), f.length > 2 ? f[2] : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Writes each case's configuration as DIR/NNN.conf and DIR/index.tsv (NNN.conf, case id). */
    /** Writes the cases for keepalived into the directory given (scripts/keepalived-bare-keywords.sh). */
    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]));
    }

    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder index = new StringBuilder();
        int n = 0;
        for (Case c : cases()) {
            String name = "%03d.conf".formatted(++n);
            Files.writeString(dir.resolve(name), c.config());
            index.append(name).append('\t').append(c.id()).append('\n');
        }
        for (Map.Entry<String, String> t : TEMPLATES.entrySet()) {
            String name = "base%02d.conf".formatted(++n);
            Files.writeString(dir.resolve(name), t.getValue().replace("@@", ""));
            index.append(name).append("\tbaseline:").append(t.getKey()).append('\n');
        }
        Files.writeString(dir.resolve("index.tsv"), index.toString());
    }
}
