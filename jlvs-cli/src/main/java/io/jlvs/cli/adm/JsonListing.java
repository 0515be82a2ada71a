package io.jlvs.cli.adm;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.VirtualServiceView;
import java.util.List;

/**
 * jlvsadm --json: the same facts as the -L listings, as one JSON document on one line. Addresses are always
 * numeric; counters are exact.
 */
final class JsonListing {
    private JsonListing() {
    }

    static void table(int connTableSize, List<VirtualServiceView> services, boolean sort, StringBuilder out) {
        Json j = new Json(out);
        j.beginObject().field("version", TableListing.IPVS_VERSION).field("connTableSize", connTableSize);
        j.name("services").beginArray();
        for (VirtualServiceView v : services) {
            service(j, v, sort);
        }
        j.endArray().endObject();
        out.append('\n');
    }

    private static void service(Json j, VirtualServiceView v, boolean sort) {
        VirtualService s = v.service();
        j.beginObject();
        if (s.key() instanceof FwmarkServiceKey fk) {
            j.field("fwmark", fk.fwmark() & 0xffffffffL).field("family", family(fk.family()));
        } else {
            InetServiceKey k = (InetServiceKey) s.key();
            j.field("protocol", k.protocol().label()).field("address", k.address().toString())
                    .field("port", k.port()).field("family", family(k.family()));
        }
        j.field("scheduler", s.scheduler());
        j.name("schedFlags").beginArray();
        for (SchedFlag f : s.schedFlags()) {
            j.value(f.spelling());
        }
        j.endArray();
        j.field("persistent", s.persistent());
        if (s.persistent()) {
            j.field("persistenceTimeout", s.persistenceTimeout());
            if (s.key().family() == AddressFamily.INET) {
                j.field("netmask", IpAddress.ofV4(s.netmask()).toString());
            } else {
                j.field("netmask", s.netmask());
            }
        }
        j.field("onePacket", s.onePacket()).field("persistenceEngine", s.persistenceEngine());
        stats(j, v.stats());
        rates(j, v.rates());
        j.name("realServers").beginArray();
        List<RealServerView> dests = sort ? v.realServersInListingOrder() : v.realServers();
        for (RealServerView d : dests) {
            RealServer r = d.server();
            j.beginObject().field("address", r.address().toString()).field("port", r.port())
                    .field("forward", r.method().label()).field("weight", r.weight())
                    .field("upperThreshold", r.upperThreshold()).field("lowerThreshold", r.lowerThreshold())
                    .field("activeConns", d.activeConns()).field("inactiveConns", d.inactiveConns())
                    .field("persistConns", d.persistConns());
            if (r.tunnelType() != null) {
                j.name("tunnel").beginObject().field("type", r.tunnelType().spelling());
                if (r.tunnelPort() != 0) {
                    j.field("port", r.tunnelPort());
                }
                j.field("checksum", r.tunnelChecksum().option().substring(6)).endObject();
            }
            stats(j, d.stats());
            rates(j, d.rates());
            j.endObject();
        }
        j.endArray().endObject();
    }

    private static void stats(Json j, StatsSample s) {
        StatsSample x = s == null ? StatsSample.ZERO : s;
        j.name("stats").beginObject().name("conns").unsigned(x.conns()).name("inPackets").unsigned(x.inPackets())
                .name("outPackets").unsigned(x.outPackets()).name("inBytes").unsigned(x.inBytes())
                .name("outBytes").unsigned(x.outBytes()).endObject();
    }

    private static void rates(Json j, RateSample r) {
        RateSample x = r == null ? RateSample.ZERO : r;
        j.name("rates").beginObject().name("cps").unsigned(x.cps()).name("inPps").unsigned(x.inPps())
                .name("outPps").unsigned(x.outPps()).name("inBps").unsigned(x.inBps())
                .name("outBps").unsigned(x.outBps()).endObject();
    }

    static void connections(List<ConnectionView> conns, StringBuilder out) {
        Json j = new Json(out);
        j.beginObject().name("connections").beginArray();
        for (ConnectionView c : conns) {
            j.beginObject().field("protocol", c.protocol() == null ? "IP" : c.protocol().label())
                    .field("client", c.client().toString()).field("clientPort", c.clientPort())
                    .field("virtualAddress", c.virtualAddress().toString()).field("virtualPort", c.virtualPort())
                    .field("destination", c.destination().toString()).field("destinationPort", c.destinationPort())
                    .field("state", c.state()).field("expiresSeconds", Math.max(0, c.expiresMillis()) / 1000)
                    .field("template", c.template());
            if (c.peName() != null) {
                j.field("peName", c.peName()).field("peData", c.peData());
            }
            j.endObject();
        }
        j.endArray().endObject();
        out.append('\n');
    }

    static void timeouts(Timeouts t, StringBuilder out) {
        new Json(out).beginObject().field("tcp", t.tcp()).field("tcpFin", t.tcpFin()).field("udp", t.udp())
                .endObject();
        out.append('\n');
    }

    static void daemons(List<SyncDaemonView> daemons, StringBuilder out) {
        Json j = new Json(out);
        j.beginObject().name("daemons").beginArray();
        for (SyncDaemonView d : daemons) {
            j.beginObject().field("state", d.state()).field("mcastInterface", d.mcastInterface())
                    .field("syncId", d.syncId()).field("maxLen", d.maxLen()).field("group", d.group())
                    .field("port", d.port()).field("ttl", d.ttl()).endObject();
        }
        j.endArray().endObject();
        out.append('\n');
    }

    private static String family(AddressFamily f) {
        return f == AddressFamily.INET ? "inet" : "inet6";
    }
}
