package io.jlvs.engine.keepalived;

import io.jlvs.config.HostInterfaces;
import io.jlvs.config.KeepalivedParser;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.health.CheckSubject;
import io.jlvs.health.SystemHealthTimer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/** A keepalived.conf in a temporary directory, an engine, and a runtime that applies the file to it. */
final class Conf implements AutoCloseable {
    final Path file;
    final IpvsEngine engine = new IpvsEngine();
    final List<String> checkerLines = new CopyOnWriteArrayList<>();
    final List<String> reloadLines = new CopyOnWriteArrayList<>();
    final List<String> configLines = new CopyOnWriteArrayList<>();
    final KeepalivedRuntime runtime;

    Conf(Path dir, String text) {
        this.file = dir.resolve("keepalived.conf");
        write(text);
        KeepalivedParser parser = new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0")), 1);
        runtime = new KeepalivedRuntime(engine, file, parser::parse, new SystemHealthTimer(), new SplittableRandom(7),
                new KeepalivedEvents() {
                    @Override
                    public void checker(String line) {
                        checkerLines.add(line);
                    }

                    @Override
                    public void reload(String line) {
                        reloadLines.add(line);
                    }

                    @Override
                    public void config(String line) {
                        configLines.add(line);
                    }
                });
    }

    void write(String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The table, one string per service: {@code [vip]:tcp:80 rr p=300/32} then one
     * {@code | [rip]:port Masq w=1} per real server, real servers sorted.
     */
    List<String> table() {
        return describe(engine.table());
    }

    /** One service as {@link #table()} shows it, real servers in any order. */
    static String row(String service, String... realServers) {
        StringBuilder sb = new StringBuilder(service);
        java.util.Arrays.stream(realServers).map(r -> " | " + r).sorted().forEach(sb::append);
        return sb.toString();
    }

    static List<String> describe(IpvsTableView t) {
        List<String> out = new ArrayList<>();
        for (VirtualServiceView vs : t.services()) {
            var s = vs.service();
            StringBuilder sb = new StringBuilder(CheckSubject.label(s.key()) + " " + s.scheduler()
                    + (s.persistent() ? " p=" + s.persistenceTimeout() + "/" + s.netmaskPrefixLength() : "")
                    + (s.onePacket() ? " ops" : ""));
            List<String> rss = new ArrayList<>();
            for (RealServerView r : vs.realServers()) {
                var rs = r.server();
                rss.add(" | " + CheckSubject.pair(rs.address(), rs.port()) + " " + rs.method().label()
                        + " w=" + rs.weight()
                        + (rs.upperThreshold() + rs.lowerThreshold() > 0 ? " x=" + rs.upperThreshold() + " y="
                        + rs.lowerThreshold() : "")
                        + (rs.tunnelType() != null ? " " + rs.tunnelType()
                        + (rs.tunnelPort() > 0 ? ":" + rs.tunnelPort() : "") + " " + rs.tunnelChecksum() : ""));
            }
            rss.stream().sorted().forEach(sb::append);
            out.add(sb.toString());
        }
        return out;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
