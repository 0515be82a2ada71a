package io.jlvs.conn;

/**
 * The IPVS sysctls the workers apply: how the connection table treats existing entries, its defences, and
 * (carried here to the workers with the rest) how ICMP errors and fragmentation are handled.
 *
 * @param expireNodestConn        expire_nodest_conn: an entry whose real server was removed is expired on
 *                                its next packet (which is then scheduled anew) instead of dropping packets
 * @param expireQuiescentTemplate expire_quiescent_template: a persistence template whose real server has
 *                                weight 0 is invalidated when looked up
 * @param connReuseMode           conn_reuse_mode bitmap: 0 off; bit 1 reschedule a new SYN (or SCTP INIT)
 *                                that hits a TIME_WAIT/CLOSE entry; bit 2 also FIN_WAIT of DR/TUN entries
 * @param sloppyTcp               sloppy_tcp: any TCP segment but a RST opens a connection, not only a SYN
 *                                (a director that took over without connection sync keeps serving the
 *                                established connections it never saw open)
 * @param sloppySctp              sloppy_sctp: any SCTP packet but an ABORT opens an association, not only INIT
 * @param defense                 amemthresh, drop_entry, drop_packet, secure_tcp, am_droprate (null: the defaults)
 * @param forwarding              schedule_icmp, nat_icmp_send, pmtu_disc (null: the defaults)
 */
public record ConnTableSettings(boolean expireNodestConn, boolean expireQuiescentTemplate, int connReuseMode,
                                boolean sloppyTcp, boolean sloppySctp, DefenseSettings defense,
                                ForwardingSettings forwarding) {
    /** The kernel's defaults: 0, 0, 1, 0, 0. */
    public static final ConnTableSettings DEFAULTS = new ConnTableSettings(false, false, 1);

    /** Without the sloppy modes. */
    public ConnTableSettings(boolean expireNodestConn, boolean expireQuiescentTemplate, int connReuseMode) {
        this(expireNodestConn, expireQuiescentTemplate, connReuseMode, false, false);
    }

    /** With the default defences. */
    public ConnTableSettings(boolean expireNodestConn, boolean expireQuiescentTemplate, int connReuseMode,
                             boolean sloppyTcp, boolean sloppySctp) {
        this(expireNodestConn, expireQuiescentTemplate, connReuseMode, sloppyTcp, sloppySctp, DefenseSettings.DEFAULTS);
    }

    /** With the default ICMP and fragmentation settings. */
    public ConnTableSettings(boolean expireNodestConn, boolean expireQuiescentTemplate, int connReuseMode,
                             boolean sloppyTcp, boolean sloppySctp, DefenseSettings defense) {
        this(expireNodestConn, expireQuiescentTemplate, connReuseMode, sloppyTcp, sloppySctp, defense,
                ForwardingSettings.DEFAULTS);
    }

    public ConnTableSettings {
        if (connReuseMode < 0 || connReuseMode > 3) {
            throw new IllegalArgumentException("conn_reuse_mode must be 0..3, got " + connReuseMode);
        }
        if (defense == null) {
            defense = DefenseSettings.DEFAULTS;
        }
        if (forwarding == null) {
            forwarding = ForwardingSettings.DEFAULTS;
        }
    }
}
