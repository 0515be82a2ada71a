package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jlvs.engine.IpvsEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A dual-stack keepalived.conf under `jlvs run -I`: an IPv6 service with real servers the packet data plane does
 * not serve (SCTP; any with AF_XDP) is named in one warning, once; the IPv4 one, IPv6 DR, NAT and TUN ones
 * (forwarded since the IPv6 data plane and its tunnels) and an IPv6 FULLNAT one are not. A reload that adds another names only that one.
 * Before, such a service was listed by -Ln and silently got nothing.
 */
class ServiceWarningsTest {
    @TempDir
    Path dir;

    /** The events {@code logger} logs from now on (detach it when done). */
    private static ListAppender<ILoggingEvent> capture(Logger logger) {
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        logger.addAppender(seen);
        return seen;
    }

    private static String service(String address, String kind) {
        return service(address, kind, "TCP");
    }

    private static String service(String address, String kind, String protocol) {
        return """
                virtual_server %s 80 {
                    lb_algo rr
                    lb_kind %s
                    protocol %s
                    real_server %s 80 {
                    }
                }
                """.formatted(address, kind, protocol, address.contains(":") ? "2001:db8::21" : "10.0.0.21");
    }

    private static String sipService(String protocol, String port, String kind) {
        return """
                virtual_server 10.0.0.10 %s {
                    lb_algo rr
                    lb_kind %s
                    protocol %s
                    persistence_timeout 60
                    persistence_engine sip
                    real_server 10.0.0.21 %s {
                    }
                }
                """.formatted(port, kind, protocol, port);
    }

    /**
     * keepalived.conf's persistence_engine sip is applied (no warning for UDP services, DR or FULLNAT); a TCP
     * service with it is named once: IPVS drops its connections.
     */
    @Test
    void aServiceWhereTheSipEngineIsNotWhatItSeemsIsNamedOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("test.pe");
        ListAppender<ILoggingEvent> seen = capture(logger);
        Path file = dir.resolve("keepalived.conf");
        ServiceWarnings warnings = new ServiceWarnings();
        try (Director director = Director.start(new IpvsEngine())) {
            Files.writeString(file, sipService("UDP", "5060", "DR") + sipService("TCP", "5061", "DR")
                    + sipService("UDP", "5062", "FNAT") + service("10.0.0.10", "DR"));
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            assertThat(warnings.warn(director.table().services(), logger)).isEqualTo(1);
            assertThat(warnings.warn(director.table().services(), logger)).as("once").isZero();
        } finally {
            logger.detachAppender(seen);
        }
        assertThat(seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList()).containsExactly(
                "Virtual service tcp:10.0.0.10:5061: persistence engine sip takes UDP datagrams only: every new "
                        + "connection is dropped, as IPVS drops them");
    }

    /** persistence_engine sip on an IPv6 UDP service of DR real servers: forwarded, but not by Call-ID: named once. */
    @Test
    void theSipEngineOnAnIpv6ServiceIsNamedOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("test.pe6");
        ListAppender<ILoggingEvent> seen = capture(logger);
        Path file = dir.resolve("keepalived.conf");
        ServiceWarnings warnings = new ServiceWarnings();
        try (Director director = Director.start(new IpvsEngine())) {
            Files.writeString(file, """
                    virtual_server 2001:db8::10 5060 {
                        lb_algo rr
                        lb_kind DR
                        protocol UDP
                        persistence_timeout 60
                        persistence_engine sip
                        real_server 2001:db8::21 5060 {
                        }
                    }
                    """);
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            assertThat(warnings.warn(director.table().services(), logger)).isEqualTo(1);
            assertThat(warnings.warn(director.table().services(), logger)).as("once").isZero();
        } finally {
            logger.detachAppender(seen);
        }
        assertThat(seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList()).containsExactly(
                "IPv6 virtual service udp:[2001:db8::10]:5060: persistence engine sip is not applied by the packet "
                        + "data plane to IPv6: its clients persist by address and prefix length, not by the SIP Call-ID");
    }

        @Test
    void eachIpv6ServiceWithRealServersThePacketDataPlaneDoesNotServeIsNamedOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("test.ipv6");
        ListAppender<ILoggingEvent> seen = capture(logger);
        Path file = dir.resolve("keepalived.conf");
        ServiceWarnings warnings = new ServiceWarnings();
        try (Director director = Director.start(new IpvsEngine())) {
            // IPv6 DR and NAT are forwarded since the IPv6 data plane, TUN since IPv6 tunnels; FULLNAT by the
            // proxy; SCTP is not
            Files.writeString(file, service("10.0.0.10", "DR") + service("2001:db8::10", "DR")
                    + service("2001:db8::11", "FNAT") + service("2001:db8::13", "NAT")
                    + service("2001:db8::14", "TUN") + service("2001:db8::16", "DR", "SCTP"));
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            assertThat(warnings.warn(director.table().services(), logger)).isEqualTo(1);
            assertThat(warnings.warn(director.table().services(), logger)).as("once").isZero();

            Files.writeString(file, service("10.0.0.10", "DR") + service("2001:db8::10", "DR")
                    + service("2001:db8::14", "TUN") + service("2001:db8::16", "DR", "SCTP")
                    + service("2001:db8::12", "TUN") + service("2001:db8::17", "DR", "SCTP"));
            assertThat(director.reloadKeepalived().get().applied()).isTrue();
            assertThat(warnings.warn(director.table().services(), logger)).isEqualTo(1);
        } finally {
            logger.detachAppender(seen);
        }
        List<String> lines = seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).containsExactly(
                "IPv6 virtual service sctp:[2001:db8::16]:80: the packet data plane forwards IPv6 TCP and UDP to "
                        + "Masq, Route and Tunnel real servers with IPv6 addresses only, so its other real servers get "
                        + "no traffic (FULLNAT real servers work)",
                "IPv6 virtual service sctp:[2001:db8::17]:80: the packet data plane forwards IPv6 TCP and UDP to "
                        + "Masq, Route and Tunnel real servers with IPv6 addresses only, so its other real servers get "
                        + "no traffic (FULLNAT real servers work)");
    }

    @Test
    void withAfXdpEveryIpv6ServiceWithPacketForwardedRealServersIsNamed() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("test.ipv6xdp");
        ListAppender<ILoggingEvent> seen = capture(logger);
        Path file = dir.resolve("keepalived.conf");
        ServiceWarnings warnings = new ServiceWarnings(true);
        try (Director director = Director.start(new IpvsEngine())) {
            Files.writeString(file, service("10.0.0.10", "DR") + service("2001:db8::10", "DR")
                    + service("2001:db8::11", "FNAT"));
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            assertThat(warnings.warn(director.table().services(), logger)).isEqualTo(1);
        } finally {
            logger.detachAppender(seen);
        }
        assertThat(seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList()).containsExactly(
                "IPv6 virtual service tcp:[2001:db8::10]:80: the packet data plane with AF_XDP I/O forwards IPv4 only, "
                        + "so its Masq/Route/Tunnel real servers get no traffic (FULLNAT real servers work)");
    }

    /**
     * FULLNAT real servers beside IPv6 DR ones: the packet data plane takes the service (its guard drops the
     * kernel's copy), so the proxy never sees its clients: named. A service of FULLNAT real servers only is left
     * to the kernel and the proxy: not named. Before, both were said to work.
     */
    @Test
    void fullNatRealServersBesideIpv6DrOnesAreNamed() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("test.ipv6mixed");
        ListAppender<ILoggingEvent> seen = capture(logger);
        Path file = dir.resolve("keepalived.conf");
        ServiceWarnings warnings = new ServiceWarnings();
        try (Director director = Director.start(new IpvsEngine())) {
            Files.writeString(file, service("2001:db8::11", "FNAT") + """
                    virtual_server 2001:db8::15 80 {
                        lb_algo rr
                        lb_kind DR
                        protocol TCP
                        real_server 2001:db8::21 80 {
                        }
                        real_server 2001:db8::22 80 {
                            lvs_method FNAT
                        }
                    }
                    """);
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            assertThat(warnings.warn(director.table().services(), logger)).isEqualTo(1);
        } finally {
            logger.detachAppender(seen);
        }
        assertThat(seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList()).containsExactly(
                "IPv6 virtual service tcp:[2001:db8::15]:80: the packet data plane takes its traffic for its IPv6 "
                        + "Masq, Route and Tunnel real servers, so its FULLNAT real servers get no traffic (give them a "
                        + "service of their own)");
    }
}
