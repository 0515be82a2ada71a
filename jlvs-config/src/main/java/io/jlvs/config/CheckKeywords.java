package io.jlvs.config;

/** virtual_server, real_server, the health-checker blocks and SSL, as keepalived 2.2.7 accepts them. */
final class CheckKeywords {
    private CheckKeywords() {
    }

    static KeywordTable ssl() {
        return new KeywordTable("SSL").ignored(1, "password", "ca", "certificate", "key")
                .bare(Bare.error("SSL password missing"), "password").bare(Bare.error("SSL cafile missing"), "ca")
                .bare(Bare.error("SSL certfile missing"), "certificate").bare(Bare.error("SSL keyfile missing"), "key");
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
                .flags(true, "misc_dynamic").bare(Bare.SILENT, "misc_path").bare(Bare.KEEP, "user"), true);
        KeywordTable smtp = common("SMTP_CHECK", true).used("helo_name")
                .bare(Bare.error("SMTP_CHECK helo name missing"), "helo_name");
        smtp.block("host", 0, common("host", true), true);
        t.block("SMTP_CHECK", 0, smtp, true);
        t.block("TCP_CHECK", 0, common("TCP_CHECK", true), true);
        t.block("PING_CHECK", 0, common("PING_CHECK", true), true);
        t.block("UDP_CHECK", 0, common("UDP_CHECK", true).used("payload", "min_reply_length", "max_reply_length")
                .flags(true, "require_reply")
                .bare(Bare.error("UDP_CHECK payload requires a payload"), "payload"), true);
        for (String name : new String[] {"HTTP_GET", "SSL_GET"}) {
            KeywordTable url = new KeywordTable("url").used("path", "digest", "virtualhost", "regex_options",
                    "regex_min_offset", "regex_max_offset", "regex_stack").leaf("status_code", 1, true)
                    .used("regex").flags(true, "regex_no_match")
                    .bare(Bare.error("Missing HTTP_GET virtualhost name"), "virtualhost")
                    .bare(Bare.SILENT, "regex_options", "status_code")
                    .bare(Bare.notice("regex missing or too many fields"), "regex")
                    .bare(Bare.notice("Missing or too may options for regex_min_offset"), "regex_min_offset")
                    .bare(Bare.notice("Missing or too may options for regex_max_offset"), "regex_max_offset")
                    .bare(Bare.notice("regex_stack requires start and max values"), "regex_stack");
            KeywordTable http = common(name, true).used("nb_get_retry", "virtualhost", "http_protocol")
                    .flags(true, "enable_sni", "fast_recovery")
                    .bare(Bare.error("HTTP_GET virtualhost name missing"), "virtualhost")
                    .bare(Bare.error("Missing http_protocol version"), "http_protocol");
            http.block("url", 0, url, true);
            t.block(name, 0, http, true);
        }
        t.block("DNS_CHECK", 0, common("DNS_CHECK", true).used("type", "name"), true);
        t.block("FILE_CHECK", 0, new KeywordTable("FILE_CHECK").used("track_file", "weight")
                .bare(Bare.error("track file weight missing"), "weight"), true);
        t.block("BFD_CHECK", 0, new KeywordTable("BFD_CHECK").used("name").flags(true, "alpha")
                .bare(Bare.KEEP, "name"), true);
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
        t.bare(Bare.error("real server virtualhost missing"), "virtualhost");
        t.bare(Bare.error("real server snmp_name missing or extra parameters"), "snmp_name");
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
                "mh-port", "mh-fallback", "alpha", "omega", "sorry_server_inhibit");
        // ha_suspend is checked (keepalived's warnings) but jlvs never suspends the checkers
        t.flags(false, "smtp_alert", "ha_suspend");
        t.ignored(1, "snmp_name");
        t.bare(Bare.error("virtual server virtualhost missing"), "virtualhost");
        t.bare(Bare.error("virtual server snmp_name missing or extra parameters"), "snmp_name");
        // persistence_timeout alone is keepalived's 360 s; sorry_server_lvs_method alone is fatal only
        // after a sorry_server (the builder tells)
        t.bare(Bare.KEEP, "persistence_timeout", "sorry_server_lvs_method");
        t.block("real_server", 1, realServer(), true);
        return t;
    }
}
