package io.jlvs.cli.adm;

/** The -h and -v texts. */
final class Usage {
    static final String SCHEDULERS = "rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh|twos";

    private Usage() {
    }

    static String version(String program) {
        return program + " v1.31 2019/12/24 (compiled with jlvs and IPVS v" + TableListing.IPVS_VERSION + ")\n";
    }

    static String help(String program) {
        String p = "  " + program;
        return version(program)
                + "Usage:\n"
                + p + " -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]\n"
                + p + " -D virtual-service\n"
                + p + " -C\n"
                + p + " -R\n"
                + p + " -S [-n]\n"
                + p + " -a|e virtual-service -r server-address [options]\n"
                + p + " -d virtual-service -r server-address\n"
                + p + " -L|l [virtual-service] [options]\n"
                + p + " -Z [virtual-service]\n"
                + p + " --set tcp tcpfin udp\n"
                + p + " --start-daemon {master|backup} [daemon-options]\n"
                + p + " --stop-daemon {master|backup}\n"
                + p + " -h\n\n"
                + "Commands (long or short form):\n"
                + "  --add-service     -A        add a virtual service\n"
                + "  --edit-service    -E        change a virtual service\n"
                + "  --delete-service  -D        delete a virtual service and its real servers\n"
                + "  --clear           -C        delete every virtual service\n"
                + "  --restore         -R        read commands from stdin, one per line\n"
                + "  --save            -S        print the table as commands for -R\n"
                + "  --add-server      -a        add a real server to a virtual service\n"
                + "  --edit-server     -e        change a real server\n"
                + "  --delete-server   -d        delete a real server\n"
                + "  --list            -L|-l     list the table (the default with no arguments)\n"
                + "  --zero            -Z        zero the counters of one service or of all\n"
                + "  --set tcp tcpfin udp        set the connection timeouts (0 keeps a value)\n"
                + "  --start-daemon              start a connection sync daemon\n"
                + "  --stop-daemon               stop a connection sync daemon\n"
                + "  --help            -h        print this text\n\n"
                + "virtual-service:\n"
                + "  --tcp-service|-t  service-address   host[:port]\n"
                + "  --udp-service|-u  service-address   host[:port]\n"
                + "  --sctp-service    service-address   host[:port]\n"
                + "  --fwmark-service|-f fwmark          a firewall mark, greater than zero\n\n"
                + "Options:\n"
                + "  --ipv6         -6                   the fwmark service is IPv6 (after -f)\n"
                + "  --scheduler    -s scheduler         " + SCHEDULERS + ",\n"
                + "                                      wlc when not given\n"
                + "  --pe            engine              persistence engine (sip), none by default\n"
                + "  --persistent   -p [timeout]         persistent service (360 s when no timeout)\n"
                + "  --netmask      -M netmask           persistence granularity\n"
                + "  --real-server  -r server-address    host[:port]\n"
                + "  --gatewaying   -g                   direct routing (the default)\n"
                + "  --ipip         -i                   IP tunnelling\n"
                + "  --masquerading -m                   masquerading (NAT)\n"
                + "  --fullnat      -F                   full NAT through the jlvs proxy\n"
                + "  --tun-type      type                ipip|gue|gre, ipip when not given\n"
                + "  --tun-port      port                tunnel destination port (gue)\n"
                + "  --tun-nocsum                        tunnel without checksum\n"
                + "  --tun-csum                          tunnel with checksum\n"
                + "  --tun-remcsum                       tunnel with remote checksum\n"
                + "  --weight       -w weight            real server capacity, 0..2147483647\n"
                + "  --u-threshold  -x uthreshold        upper connection threshold\n"
                + "  --l-threshold  -y lthreshold        lower connection threshold\n"
                + "  --connection   -c                   list the connection entries\n"
                + "  --timeout                           list the timeouts (tcp tcpfin udp)\n"
                + "  --daemon                            list the sync daemons\n"
                + "  --stats                             list counters\n"
                + "  --rate                              list rates\n"
                + "  --exact        -X                   print counters in full\n"
                + "  --thresholds                        list thresholds\n"
                + "  --persistent-conn                   list persistent connection counts\n"
                + "  --tun-info                          list tunnel settings\n"
                + "  --nosort                            list in the daemon's order\n"
                + "  --sort                              no effect (sorting is the default)\n"
                + "  --ops          -o                   one-packet scheduling\n"
                + "  --numeric      -n                   numeric addresses and ports\n"
                + "  --sched-flags  -b flags             scheduler flags, comma-separated\n"
                + "  --json                              list as JSON (with -L, --stats, --rate, -c)\n"
                + "Daemon Options:\n"
                + "  --syncid sid                        sync id, 0..255 (0 when not given)\n"
                + "  --sync-maxlen length                largest sync message\n"
                + "  --mcast-interface interface         multicast interface (eth0 when not given)\n"
                + "  --mcast-group address               IPv4/IPv6 group (224.0.0.81 when not given)\n"
                + "  --mcast-port port                   UDP port (8848 when not given)\n"
                + "  --mcast-ttl ttl                     multicast TTL (1 when not given)\n"
                + "\n"
                + "The jlvs daemon is reached at $JLVS_SOCKET, else /run/jlvs/jlvs.sock (root),\n"
                + "$XDG_RUNTIME_DIR/jlvs/jlvs.sock or /tmp/jlvs-UID/jlvs.sock; start it with 'jlvs run'.\n";
    }
}
