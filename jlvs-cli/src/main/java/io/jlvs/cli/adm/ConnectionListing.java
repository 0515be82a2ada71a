package io.jlvs.cli.adm;

import io.jlvs.core.view.ConnectionView;
import java.util.List;

/** -L -c (and -c --persistent-conn) as ipvsadm 1.31 prints the connection table. */
final class ConnectionListing {
    private ConnectionListing() {
    }

    static void print(List<ConnectionView> conns, boolean numeric, boolean persistentConn, NameResolver resolver,
                      StringBuilder out) {
        out.append("IPVS connection entries\n");
        if (persistentConn) {
            out.append("pro expire state       source             virtual            destination        pe name          pe_data\n");
        } else {
            out.append("pro expire state       source             virtual            destination\n");
        }
        for (ConnectionView c : conns) {
            String proto = c.protocol() == null ? "IP" : c.protocol().label();
            long expires = Math.max(0, c.expiresMillis()) / 1000;
            StringBuilder expire = new StringBuilder(8);
            two(expire, expires / 60).append(':');
            two(expire, expires % 60);
            Columns.left(out, proto, 3).append(' ');
            Columns.left(out, expire.toString(), 6).append(' ');
            Columns.left(out, c.state(), 11).append(' ');
            Columns.left(out, TableListing.addrPort(c.client(), c.clientPort(), c.protocol(), numeric, resolver), 18)
                    .append(' ');
            Columns.left(out, TableListing.addrPort(c.virtualAddress(), c.virtualPort(), c.protocol(), numeric,
                    resolver), 18).append(' ');
            String dname = TableListing.addrPort(c.destination(), c.destinationPort(), c.protocol(), numeric, resolver);
            if (persistentConn && c.peName() != null && !c.peName().isEmpty()) {
                Columns.left(out, dname, 16).append(' ');
                Columns.left(out, c.peName(), 18).append(' ');
                out.append(c.peData() == null ? "" : c.peData());
            } else {
                out.append(dname);
            }
            out.append('\n');
        }
    }

    private static StringBuilder two(StringBuilder sb, long v) {
        if (v < 10) {
            sb.append('0');
        }
        return sb.append(v);
    }
}
