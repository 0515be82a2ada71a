package io.jlvs.config;

/** vrrp_instance, vrrp_sync_group, vrrp_script, track_file and the other VRRP-side root blocks. */
final class VrrpKeywords {
    private VrrpKeywords() {
    }

    static KeywordTable instance() {
        KeywordTable t = new KeywordTable("vrrp_instance");
        t.used("state", "interface", "mcast_src_ip", "unicast_src_ip", "mcast_dst_ip", "virtual_router_id",
                "unicast_ttl", "version", "priority", "advert_int", "preempt_delay", "notify_backup",
                "notify_master", "notify_fault", "notify_stop", "notify", "lvs_sync_daemon_interface",
                "garp_master_delay", "garp_master_repeat");
        t.values(true, "track_interface", "track_script", "track_file", "unicast_peer", "virtual_ipaddress",
                "virtual_routes", "virtual_rules");
        t.values(false, "track_process", "track_bfd", "virtual_ipaddress_excluded");
        t.flags(true, "dont_track_primary", "accept", "no_accept", "preempt", "nopreempt", "strict_mode",
                "notify_deleted", "promote_secondaries", "lower_prio_no_advert", "higher_prio_send_advert");
        // the VRRP runtime (jlvs-cli's VrrpSettingsMapper) applies these four
        t.used("garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat");
        t.flags(false, "smtp_alert", "use_vmac", "use_vmac_addr", "vmac_xmit_base", "use_ipvlan",
                "unicast_fault_no_peer", "check_unicast_src", "old_unicast_checksum", "native_ipv6", "track_src_ip",
                "linkbeat_use_polling", "skip_check_adv_addr", "notify_priority_changes");
        t.ignored(1, "vrf", "down_timer_adverts", "vmac_garp_intvl", "kernel_rx_buf_size", "debug",
                "notify_master_rx_lower_pri", "garp_extra_if");
        t.bare(Bare.error("({name}) invalid kernel_rx_buf_size specified"), "kernel_rx_buf_size");
        t.bare(Bare.error("({name}): garp_extra_if specified without time - ignoring"), "garp_extra_if");
        t.bare(Bare.KEEP, "vmac_garp_intvl");
        t.block("authentication", 0, new KeywordTable("authentication").used("auth_type", "auth_pass"), true);
        return t;
    }

    static KeywordTable syncGroup() {
        KeywordTable t = new KeywordTable("vrrp_sync_group");
        t.values(true, "group", "track_interface", "track_script", "track_file");
        t.values(false, "track_process", "track_bfd");
        t.used("notify_backup", "notify_master", "notify_fault", "notify_stop", "notify");
        t.flags(true, "global_tracking", "sync_group_tracking_weight");
        t.flags(false, "smtp_alert", "notify_priority_changes");
        t.bare(Bare.error("Warning - sync group {name} has empty group block"), "group");
        return t;
    }

    static KeywordTable script() {
        return new KeywordTable("vrrp_script").used("script", "interval", "timeout", "weight", "rise", "fall",
                "user").flags(true, "init_fail").bare(Bare.SILENT, "script");
    }

    static KeywordTable trackFile() {
        return new KeywordTable("track_file").used("file", "weight", "init_file")
                .bare(Bare.error("track file file name missing"), "file")
                .bare(Bare.error("No weight specified for track file {name} - ignoring"), "weight")
                .bare(Bare.KEEP, "init_file");
    }

    static KeywordTable trackProcess() {
        return new KeywordTable("vrrp_track_process").ignored(1, "process", "weight", "quorum", "quorum_max",
                "delay", "terminate_delay", "fork_delay").flags(false, "param_match", "full_command")
                .bare(Bare.error("No weight specified for track process {name} - ignoring"), "weight");
    }

    static KeywordTable garpGroup() {
        return new KeywordTable("garp_group").ignored(1, "garp_interval", "gna_interval", "interface")
                .values(false, "interfaces")
                .bare(Bare.error("Warning - empty garp_group interfaces block"), "interfaces");
    }

    static KeywordTable trackGroup() {
        return new KeywordTable("track_group").values(false, "group")
                .bare(Bare.error("Warning - track group {name} has empty group block"), "group");
    }

    static KeywordTable bfdInstance() {
        return new KeywordTable("bfd_instance").used("source_ip", "neighbor_ip", "neighbour_ip", "min_rx",
                "min_tx", "idle_tx", "multiplier", "ttl", "hoplimit", "max_hops")
                .ignored(1, "weight").flags(true, "passive", "checker").flags(false, "vrrp");
    }
}
