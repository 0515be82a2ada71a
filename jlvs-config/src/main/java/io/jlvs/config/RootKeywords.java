package io.jlvs.config;

/** The top level of keepalived.conf. */
final class RootKeywords {
    private RootKeywords() {
    }

    static KeywordTable table() {
        KeywordTable t = new KeywordTable("");
        t.block("global_defs", 0, GlobalKeywords.table(), true);
        t.flags(false, "linkbeat_use_polling", "use_pid_dir", "namespace_with_ipsets");
        t.ignored(1, "net_namespace", "net_namespace_ipvs", "instance", "child_wait_time");
        t.block("SSL", 0, CheckKeywords.ssl(), false);
        t.valuesNamed("virtual_server_group", true);
        t.block("virtual_server", 1, CheckKeywords.virtualServer(), true);
        t.block("vrrp_instance", 1, VrrpKeywords.instance(), true);
        t.block("vrrp_sync_group", 1, VrrpKeywords.syncGroup(), true);
        t.block("vrrp_script", 1, VrrpKeywords.script(), true);
        t.block("track_file", 1, VrrpKeywords.trackFile(), true);
        t.block("vrrp_track_file", 1, VrrpKeywords.trackFile(), true);
        t.block("vrrp_track_process", 1, VrrpKeywords.trackProcess(), false);
        t.block("garp_group", 0, VrrpKeywords.garpGroup(), false);
        t.block("track_group", 1, VrrpKeywords.trackGroup(), false);
        t.block("bfd_instance", 1, VrrpKeywords.bfdInstance(), true);
        t.values(true, "static_ipaddress", "static_routes");
        t.values(false, "static_rules", "linkbeat_interfaces", "interface_up_down_delays");
        t.bare(Bare.error("net_namespace name missing - ignoring"), "net_namespace");
        t.bare(Bare.error("instance name missing - ignoring"), "instance");
        t.bare(Bare.KEEP, "net_namespace_ipvs");
        // a block without its name is reported and skipped, braces and all
        t.bare(Bare.error("vrrp_instance must have a name"), "vrrp_instance");
        t.bare(Bare.error("vrrp_sync_group must have a name - skipping"), "vrrp_sync_group");
        t.bare(Bare.error("track_group must have a name - skipping"), "track_group");
        return t;
    }
}
