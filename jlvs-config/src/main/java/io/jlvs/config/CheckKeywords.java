package io.jlvs.config;

/** virtual_server, real_server, the health-checker blocks and SSL, as keepalived 2.2.7 accepts them. */
final class CheckKeywords {
    private CheckKeywords() {
    }

    static KeywordTable ssl() {
        return new KeywordTable("SSL").ignored(1, "password", "ca", "certificate", "key");
    }

    private static KeywordTable common(String block, boolean connection) {
        KeywordTable t = new KeywordTable(block);
        if (connection) {
            t.used("connect_ip", "connect_port", "bindto", "bind_port", "bind_if", "connect_timeout", "fwmark");
        }
        t.used("retry", "delay_before_retry", "warmup", "delay_loop");
        t.flags(true, "alpha", "log_all_failures");
        return t;
    }

    static KeywordTable checkers(KeywordTable t) {
        t.block("MISC_CHECK", 0, common("MISC_CHECK", false).used("misc_path", "misc_timeout", "user")
                .flags(true, "misc_dynamic"), true);
        KeywordTable smtp = common("SMTP_CHECK", true).used("helo_name");
        smtp.block("host", 0, common("host", true), true);
        t.block("SMTP_CHECK", 0, smtp, true);
        t.block("TCP_CHECK", 0, common("TCP_CHECK", true), true);
        t.block("PING_CHECK", 0, common("PING_CHECK", true), true);
        t.block("UDP_CHECK", 0, common("UDP_CHECK", true).used("payload", "min_reply_length", "max_reply_length")
                .flags(true, "require_reply"), true);
        for (String name : new String[] {"HTTP_GET", "SSL_GET"}) {
            KeywordTable url = new KeywordTable("url").used("path", "digest", "virtualhost", "regex_options",
                    "regex_min_offset", "regex_max_offset", "regex_stack").leaf("status_code", 1, true)
                    .used("regex").flags(true, "regex_no_match");
            KeywordTable http = common(name, true).used("nb_get_retry", "virtualhost", "http_protocol")
                    .flags(true, "enable_sni", "fast_recovery");
            http.block("url", 0, url, true);
            t.block(name, 0, http, true);
        }
        t.block("DNS_CHECK", 0, common("DNS_CHECK", true).used("type", "name"), true);
        t.block("FILE_CHECK", 0, new KeywordTable("FILE_CHECK").used("track_file", "weight"), true);
        t.block("BFD_CHECK", 0, new KeywordTable("BFD_CHECK").used("name").flags(true, "alpha"), true);
        return t;
    }

    static KeywordTable realServer() {
        KeywordTable t = new KeywordTable("real_server");
        t.used("weight", "uthreshold", "lthreshold", "notify_up", "notify_down", "retry", "delay_before_retry",
                "warmup", "connect_timeout", "delay_loop", "virtualhost");
        t.leaf("lvs_method", 1, true);
        t.flags(true, "inhibit_on_failure", "alpha");
        t.flags(false, "smtp_alert");
        t.ignored(1, "snmp_name");
        return checkers(t);
    }

    static KeywordTable virtualServer() {
        KeywordTable t = new KeywordTable("virtual_server");
        t.used("ip_family", "retry", "delay_before_retry", "warmup", "connect_timeout", "delay_loop", "lb_algo",
                "lvs_sched", "persistence_engine", "persistence_timeout", "persistence_granularity", "protocol",
                "virtualhost", "quorum_up", "quorum_down", "quorum", "hysteresis", "weight");
        t.leaf("lb_kind", 1, true).leaf("lvs_method", 1, true);
        t.leaf("sorry_server", 1, true).leaf("sorry_server_lvs_method", 1, true);
        t.flags(true, "inhibit_on_failure", "hashed", "ops", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback",
                "mh-port", "mh-fallback", "alpha", "omega", "sorry_server_inhibit", "ha_suspend");
        t.flags(false, "smtp_alert");
        t.ignored(1, "snmp_name");
        t.block("real_server", 1, realServer(), true);
        return t;
    }
}
