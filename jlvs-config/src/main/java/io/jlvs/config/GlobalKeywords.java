package io.jlvs.config;

/** global_defs: every keyword keepalived 2.2.7 (Debian build) recognises there. */
final class GlobalKeywords {
    private GlobalKeywords() {
    }

    static KeywordTable table() {
        KeywordTable t = new KeywordTable("global_defs");
        t.used("script_user", "vrrp_version", "vrrp_garp_master_delay", "vrrp_garp_master_repeat",
                "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat", "vrrp_garp_lower_prio_delay",
                "vrrp_garp_lower_prio_repeat", "notify_fifo", "vrrp_notify_fifo");
        t.leaf("lvs_timeouts", 1, true);
        t.leaf("lvs_sync_daemon", 0, true);
        t.flags(true, "enable_script_security", "vrrp_strict", "vrrp_lower_prio_no_advert",
                "vrrp_higher_prio_send_advert", "dynamic_interfaces", "checker_log_all_failures", "rs_init_notifies");
        // read and checked, but nothing in jlvs uses them: no SMTP alerts, the table is never flushed, the VRRP
        // runtime has its own multicast group and no default interface
        t.flags(false, "router_id");
        t.ignored(1, "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout",
                "vrrp_mcast_group4", "vrrp_mcast_group6", "default_interface");
        t.values(false, "notification_email");
        t.flags(false, "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop", "smtp_alert", "smtp_alert_vrrp",
                "smtp_alert_checker");
        t.ignored(1, "process_name", "vrrp_process_name", "checker_process_name", "lvs_process_name",
                "bfd_process_name", "startup_script", "startup_script_timeout", "shutdown_script",
                "shutdown_script_timeout", "max_auto_priority", "min_auto_priority_delay",
                "vrrp_down_timer_adverts", "vrrp_garp_interval", "vrrp_gna_interval",
                "vrrp_vmac_garp_intvl", "nftables_priority", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark",
                "vrrp_priority", "vrrp_rt_priority", "vrrp_cpu_affinity", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime",
                "notify_fifo_script", "vrrp_notify_fifo_script", "lvs_notify_fifo",
                "lvs_notify_fifo_script", "checker_priority", "checker_rt_priority", "checker_cpu_affinity",
                "checker_rlimit_rttime", "checker_rlimit_rtime", "bfd_priority", "bfd_rt_priority",
                "bfd_cpu_affinity", "bfd_rlimit_rttime", "bfd_rlimit_rtime", "snmp_socket", "dbus_service_name",
                "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs", "process_monitor_rcv_bufs",
                "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_monitor_rcv_bufs", "vrrp_rx_bufs_policy",
                "vrrp_rx_bufs_multiplier", "vrrp_startup_delay", "vmac_prefix", "vmac_addr_prefix", "umask",
                "random_seed", "reload_time_file", "reload_file", "config_save_dir",
                "tmp_config_directory");
        t.ignored(1, "vrrp_garp_extra_if");
        // written without their value, these are reported (or not) and ignored by keepalived, which runs on
        t.bare(Bare.error("emailfrom missing - ignoring"), "notification_email_from");
        t.bare(Bare.error("No script username specified"), "script_user");
        t.bare(Bare.error("default_interface requires interface name"), "default_interface");
        t.bare(Bare.error("startup script missing"), "startup_script");
        t.bare(Bare.error("startup_script_timeout requires value"), "startup_script_timeout");
        t.bare(Bare.error("shutdown script missing"), "shutdown_script");
        t.bare(Bare.error("shutdown_script_timeout requires value"), "shutdown_script_timeout");
        t.bare(Bare.error("min_auto_priority_delay requires delay time"), "min_auto_priority_delay");
        for (String p : new String[] {"vrrp", "checker", "bfd"}) {
            t.bare(Bare.error("No " + p + " process priority specified"), p + "_priority");
            t.bare(Bare.error("No " + p + " process real-time priority specified"), p + "_rt_priority");
            t.bare(Bare.error("No " + p + " cpu_id set specified"), p + "_cpu_affinity");
        }
        for (String p : new String[] {"", "vrrp_", "lvs_"}) {
            t.bare(Bare.error("No " + p + "notify_fifo name specified"), p + "notify_fifo");
            t.bare(Bare.error("No " + p + "notify_fifo_script specified"), p + "notify_fifo_script");
        }
        t.bare(Bare.error("SNMP error : snmp socket name missing"), "snmp_socket");
        t.bare(Bare.error("dbus_service_name missing - ignoring"), "dbus_service_name");
        for (String b : new String[] {"vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs",
            "process_monitor_rcv_bufs", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_monitor_rcv_bufs"}) {
            t.bare(Bare.error(b + " size missing"), b);
        }
        t.bare(Bare.error("vrrp_rx_bufs_policy missing"), "vrrp_rx_bufs_policy");
        t.bare(Bare.error("Invalid vrrp_rx_bufs_multiplier"), "vrrp_rx_bufs_multiplier");
        t.bare(Bare.error("reload_time_file invalid"), "reload_time_file");
        t.bare(Bare.error("tmp_config_directory missing directory name"), "tmp_config_directory");
        t.bare(Bare.error("vrrp_garp_extra_if specified without time - ignoring"), "vrrp_garp_extra_if");
        t.bare(Bare.SILENT, "smtp_helo_name");
        t.bare(Bare.error("Warning - empty notification_email block"), "notification_email");
        // keepalived's default applies (the highest real-time priority, its default reload file); the
        // builder reports lvs_timeouts and vrrp_vmac_garp_intvl without a value
        t.bare(Bare.KEEP, "max_auto_priority", "reload_file", "lvs_timeouts", "vrrp_vmac_garp_intvl");
        t.flags(false, "process_names", "no_email_faults", "disable_local_igmp", "vrrp_min_garp", "vrrp_iptables",
                "nftables", "nftables_ifindex", "nftables_ipvs", "nftables_counters", "vrrp_check_unicast_src",
                "vrrp_skip_check_adv_addr", "vrrp_no_swap", "vrrp_notify_priority_changes",
                "fifo_write_vrrp_states_on_reload", "checker_no_swap", "bfd_no_swap", "enable_traps",
                "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc", "enable_snmp_rfcv2",
                "enable_snmp_rfcv3", "enable_snmp_checker", "enable_dbus", "vrrp_netlink_cmd_rcv_bufs_force",
                "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs_force",
                "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs_force",
                "no_checker_emails", "log_unknown_vrids", "reload_check_config", "reload_repeat", "include_check",
                "data_use_instance");
        return t;
    }
}
