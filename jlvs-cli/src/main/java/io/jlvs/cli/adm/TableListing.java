package io.jlvs.cli.adm;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.IpvsadmOrder;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import java.util.List;

/**
 * The IPVS table as ipvsadm 1.31 prints it: -L (default, --stats, --rate, --thresholds, --persistent-conn,
 * --tun-info; with or without -n; one service or all) and -S, byte for byte, trailing spaces included.
 */
final class TableListing {
    static final String IPVS_VERSION = "1.2.1";

    private final NameResolver resolver;
    private final boolean numeric;
    private final boolean rule;
    private final boolean stats;
    private final boolean rate;
    private final boolean thresholds;
    private final boolean persistentConn;
    private final boolean tunInfo;
    private final boolean exact;
    private final boolean sort;

    TableListing(Request r, NameResolver resolver, boolean rule) {
        this.resolver = resolver;
        this.numeric = r.has(AdmOption.NUMERIC);
        this.rule = rule;
        this.stats = r.has(AdmOption.STATS);
        this.rate = r.has(AdmOption.RATE);
        this.thresholds = r.has(AdmOption.THRESHOLDS);
        this.persistentConn = r.has(AdmOption.PERSISTENT_CONN);
        this.tunInfo = r.has(AdmOption.TUN_INFO);
        this.exact = r.has(AdmOption.EXACT);
        this.sort = !r.has(AdmOption.NOSORT);
    }

    /** -L / -S over the whole table: banner (not for -S), title, every service. */
    void all(IpvsTableView table, StringBuilder out) {
        if (!rule) {
            out.append("IP Virtual Server version ").append(IPVS_VERSION).append(" (size=")
                    .append(table.connTableSize()).append(")\n");
        }
        title(out);
        List<VirtualServiceView> services = table.services();
        if (sort) {
            services = IpvsadmOrder.services(services);
        }
        for (VirtualServiceView v : services) {
            service(v, out);
        }
    }

    /** -L with a service: title and that service, no banner. */
    void one(VirtualServiceView service, StringBuilder out) {
        title(out);
        service(service, out);
    }

    private void title(StringBuilder out) {
        if (stats) {
            Columns.left(out, "Prot LocalAddress:Port", 33);
            out.append("    Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port\n");
        } else if (rate) {
            Columns.left(out, "Prot LocalAddress:Port", 33);
            out.append("      CPS    InPPS   OutPPS    InBPS   OutBPS\n  -> RemoteAddress:Port\n");
        } else if (thresholds) {
            Columns.left(out, "Prot LocalAddress:Port", 33);
            out.append(" Uthreshold Lthreshold ActiveConn InActConn \n  -> RemoteAddress:Port\n");
        } else if (persistentConn) {
            Columns.left(out, "Prot LocalAddress:Port", 33);
            out.append(" Weight    PersistConn ActiveConn InActConn \n  -> RemoteAddress:Port\n");
        } else if (tunInfo) {
            out.append("Prot LocalAddress:Port Scheduler Flags\n")
                    .append("  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
        } else if (!rule) {
            out.append("Prot LocalAddress:Port Scheduler Flags\n")
                    .append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
    }

    private void service(VirtualServiceView view, StringBuilder out) {
        VirtualService se = view.service();
        VirtualServiceKey key = se.key();
        Protocol proto = key instanceof InetServiceKey k ? k.protocol() : Protocol.TCP;
        String name;
        if (key instanceof FwmarkServiceKey fk) {
            // %d, as ipvsadm prints it: a mark of 2^31 or more is negative
            String mark = Integer.toString(fk.fwmark());
            boolean v6 = fk.family() == AddressFamily.INET6;
            name = rule ? "-f " + mark + (v6 ? " -6" : "") : "FWM  " + mark + (v6 ? " IPv6" : "");
        } else {
            InetServiceKey k = (InetServiceKey) key;
            String vname = addrPort(k.address(), k.port(), proto);
            if (rule) {
                name = k.protocol().saveOption() + " " + vname;
            } else {
                StringBuilder sb = Columns.left(new StringBuilder(), k.protocol().label(), 4).append(' ').append(vname);
                name = k.address().isV4() && sb.length() > 33 ? sb.substring(0, 33) : sb.toString();
            }
        }
        int flagBits = 0;
        for (SchedFlag f : se.schedFlags()) {
            flagBits |= f.bit();
        }
        boolean v4 = key.family() == AddressFamily.INET;
        if (rule) {
            out.append("-A ").append(name).append(" -s ").append(se.scheduler());
            if (se.persistent()) {
                out.append(" -p ").append(Integer.toUnsignedString(se.persistenceTimeout()));
                if (v4 && se.netmask() != VirtualService.IPV4_FULL_MASK) {
                    out.append(" -M ").append(IpAddress.ofV4(se.netmask()));
                } else if (!v4 && se.netmask() != 128) {
                    out.append(" -M ").append(se.netmask());
                }
            }
            if (se.persistenceEngine() != null && !se.persistenceEngine().isEmpty()) {
                out.append(" --pe ").append(se.persistenceEngine());
            }
            if (se.onePacket()) {
                out.append(" -o");
            }
            if (flagBits != 0) {
                out.append(" -b ");
                schedFlags(se.scheduler(), flagBits, out);
            }
        } else if (stats) {
            Columns.left(out, name, 33);
            counters(view.stats().conns(), view.stats().inPackets(), view.stats().outPackets(),
                    view.stats().inBytes(), view.stats().outBytes(), out);
        } else if (rate) {
            Columns.left(out, name, 33);
            counters(view.rates().cps(), view.rates().inPps(), view.rates().outPps(), view.rates().inBps(),
                    view.rates().outBps(), out);
        } else {
            out.append(name).append(' ').append(se.scheduler());
            if (flagBits != 0) {
                out.append(" (");
                schedFlags(se.scheduler(), flagBits, out);
                out.append(')');
            }
            if (se.persistent()) {
                out.append(" persistent ").append(Integer.toUnsignedString(se.persistenceTimeout()));
                if (v4 && se.netmask() != VirtualService.IPV4_FULL_MASK) {
                    out.append(" mask ").append(IpAddress.ofV4(se.netmask()));
                } else if (!v4 && se.netmask() != 128) {
                    out.append(" mask ").append(se.netmask());
                }
                if (se.persistenceEngine() != null && !se.persistenceEngine().isEmpty()) {
                    out.append(" pe ").append(se.persistenceEngine());
                }
            }
            if (se.onePacket()) {
                out.append(" ops");
            }
        }
        out.append('\n');

        List<RealServerView> dests = sort ? view.realServersInListingOrder() : view.realServers();
        for (RealServerView d : dests) {
            dest(name, proto, d, out);
        }
    }

    private void dest(String svcName, Protocol proto, RealServerView d, StringBuilder out) {
        RealServer e = d.server();
        String dname = addrPort(e.address(), e.port(), proto);
        if (!rule && e.address().isV4() && dname.length() > 28) {
            dname = dname.substring(0, 28);
        }
        if (rule) {
            out.append("-a ").append(svcName).append(" -r ").append(dname).append(' ')
                    .append(e.method().saveOption()).append(" -w ").append(e.weight());
            if (e.method() == ForwardingMethod.TUNNEL) {
                out.append(" --tun-type ").append(e.tunnelType().spelling());
                switch (e.tunnelType()) {
                    case GUE -> out.append(" --tun-port ").append(e.tunnelPort()).append(' ')
                            .append(e.tunnelChecksum().option());
                    case GRE -> out.append(' ').append(e.tunnelChecksum().option());
                    default -> {
                    }
                }
            }
            // Beyond ipvsadm, whose -S drops them: thresholds, so that -S | -R restores them.
            if (e.upperThreshold() != 0) {
                out.append(" -x ").append(Integer.toUnsignedString(e.upperThreshold()));
            }
            if (e.lowerThreshold() != 0) {
                out.append(" -y ").append(Integer.toUnsignedString(e.lowerThreshold()));
            }
            out.append('\n');
            return;
        }
        out.append("  -> ");
        if (stats) {
            Columns.left(out, dname, 28);
            counters(d.stats().conns(), d.stats().inPackets(), d.stats().outPackets(), d.stats().inBytes(),
                    d.stats().outBytes(), out);
        } else if (rate) {
            Columns.left(out, dname, 28).append(' ');
            Columns.rightUnsigned(out, d.rates().cps(), 8).append(' ');
            Columns.rightUnsigned(out, d.rates().inPps(), 8).append(' ');
            Columns.rightUnsigned(out, d.rates().outPps(), 8);
            Columns.largenum(out, d.rates().inBps(), exact);
            Columns.largenum(out, d.rates().outBps(), exact);
        } else if (thresholds) {
            Columns.left(out, dname, 28).append(' ');
            Columns.leftUnsigned(out, e.upperThreshold(), 10).append(' ');
            Columns.leftUnsigned(out, e.lowerThreshold(), 10).append(' ');
            Columns.leftUnsigned(out, d.activeConns(), 10).append(' ');
            Columns.leftUnsigned(out, d.inactiveConns(), 10);
        } else if (persistentConn) {
            Columns.left(out, dname, 28).append(' ');
            Columns.leftUnsigned(out, e.weight(), 9).append(' ');
            Columns.leftUnsigned(out, d.persistConns(), 11).append(' ');
            Columns.leftUnsigned(out, d.activeConns(), 10).append(' ');
            Columns.leftUnsigned(out, d.inactiveConns(), 10);
        } else {
            Columns.left(out, dname, 28).append(' ');
            Columns.left(out, e.method().label(), 7).append(' ');
            if (tunInfo) {
                Columns.left(out, tunnelInfo(e), 13).append(' ');
            }
            Columns.left(out, e.weight(), 6).append(' ');
            Columns.leftUnsigned(out, d.activeConns(), 10).append(' ');
            Columns.leftUnsigned(out, d.inactiveConns(), 10);
        }
        out.append('\n');
    }

    private static String tunnelInfo(RealServer e) {
        if (e.method() != ForwardingMethod.TUNNEL) {
            return "n/a";
        }
        return switch (e.tunnelType()) {
            case IPIP -> "ipip";
            case GUE -> "gue:" + e.tunnelPort() + ":" + e.tunnelChecksum().shortForm();
            case GRE -> "gre:" + e.tunnelChecksum().shortForm();
        };
    }

    private void counters(long a, long b, long c, long d, long e, StringBuilder out) {
        Columns.largenum(out, a, exact);
        Columns.largenum(out, b, exact);
        Columns.largenum(out, c, exact);
        Columns.largenum(out, d, exact);
        Columns.largenum(out, e, exact);
    }

    /** print_sched_flags: names depend on the scheduler (sh-*, mh-*, else flag-N); unknown bits print nothing. */
    private static void schedFlags(String scheduler, int bits, StringBuilder out) {
        int start = out.length();
        if (scheduler.equals("sh")) {
            flag(out, bits, 1, "sh-fallback");
            flag(out, bits, 2, "sh-port");
        } else if (scheduler.equals("mh")) {
            flag(out, bits, 1, "mh-fallback");
            flag(out, bits, 2, "mh-port");
        } else {
            flag(out, bits, 1, "flag-1");
            flag(out, bits, 2, "flag-2");
            flag(out, bits, 4, "flag-3");
        }
        if (out.length() > start) {
            out.setLength(out.length() - 1);
        }
    }

    private static void flag(StringBuilder out, int bits, int bit, String name) {
        if ((bits & bit) != 0) {
            out.append(name).append(',');
        }
    }

    /** addrport_to_anyname: numeric, or host and service names where they resolve; IPv6 in brackets. */
    String addrPort(IpAddress address, int port, Protocol proto) {
        return addrPort(address, port, proto, numeric, resolver);
    }

    static String addrPort(IpAddress address, int port, Protocol proto, boolean numeric, NameResolver resolver) {
        String host = null;
        String service = null;
        if (!numeric) {
            host = resolver.hostName(address);
            service = proto == null ? null : resolver.serviceName(port, proto);
        }
        StringBuilder sb = new StringBuilder(48);
        boolean v6 = !address.isV4();
        if (v6) {
            sb.append('[');
        }
        sb.append(host != null ? host : address.toString());
        if (v6) {
            sb.append(']');
        }
        sb.append(':').append(service != null ? service : Integer.toString(port));
        return sb.length() > 59 ? sb.substring(0, 59) : sb.toString();
    }
}
