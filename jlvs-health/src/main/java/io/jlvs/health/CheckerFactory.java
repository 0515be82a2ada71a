package io.jlvs.health;

import java.util.random.RandomGenerator;
import javax.net.ssl.SSLSocketFactory;

/** Builds the checker for a parameter record, for one real server. */
public final class CheckerFactory {

    private final ScriptRunner scripts;
    private final RandomGenerator random;
    private final SSLSocketFactory tls;

    /** @param random used for DNS query ids and random UDP payloads */
    public CheckerFactory(ScriptRunner scripts, RandomGenerator random) {
        this.scripts = scripts;
        this.random = random;
        this.tls = TrustAllTls.socketFactory();
    }

    /**
     * @param subject              the real server (its address and port are the default connect_ip/connect_port)
     * @param inheritedVirtualhost the real server's, else the virtual server's virtualhost (HTTP/SSL), or null
     */
    public HealthChecker create(CheckerParams params, CheckSubject subject, CheckTiming timing,
                                String inheritedVirtualhost) {
        return switch (params) {
            case TcpCheck p -> new TcpChecker(target(p.connect(), subject), timing, subject);
            case HttpCheck p -> new HttpChecker(p, target(p.connect(), subject), timing, subject,
                    inheritedVirtualhost, tls);
            case MiscCheck p -> new MiscChecker(p, timing, scripts);
            case SmtpCheck p -> new SmtpChecker(p, target(p.connect(), subject), timing);
            case DnsCheck p -> new DnsChecker(p, target(p.connect(), subject), timing, random);
            case UdpCheck p -> new UdpChecker(p, target(p.connect(), subject), timing, subject, random);
            case PingCheck p -> new PingChecker(target(p.connect(), subject), timing, subject);
            case FileCheck p -> new FileChecker(p);
        };
    }

    private static CheckTarget target(ConnectOptions connect, CheckSubject subject) {
        return connect.target(subject.address(), subject.port());
    }
}
