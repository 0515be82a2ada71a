package io.jlvs.cli.adm;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import java.util.HashMap;
import java.util.Map;

/** A fixed name table standing in for DNS and /etc/services. */
final class FakeNames implements NameResolver {
    private final Map<String, IpAddress> hosts = new HashMap<>();
    private final Map<IpAddress, String> names = new HashMap<>();
    private final Map<String, Integer> services = new HashMap<>();
    private final Map<String, String> serviceNames = new HashMap<>();

    FakeNames host(String name, String address) {
        IpAddress a = IpAddress.parse(address);
        if (a.isV4()) {
            hosts.put(name, a);
        }
        names.put(a, name);
        return this;
    }

    FakeNames service(String name, int port, Protocol protocol) {
        services.put(name + "/" + protocol, port);
        serviceNames.put(port + "/" + protocol, name);
        return this;
    }

    /** The names the tests use. */
    static FakeNames standard() {
        return new FakeNames()
                .host("www.example.com", "192.168.0.10")
                .host("rs1.example.com", "10.0.0.11")
                .host("a-rather-long-real-server-name.example.com", "10.0.0.12")
                .host("v6.example.com", "2001:db8::80")
                .host("client.example.net", "192.168.1.20")
                .service("http", 80, Protocol.TCP)
                .service("https", 443, Protocol.TCP)
                .service("domain", 53, Protocol.UDP)
                .service("domain", 53, Protocol.TCP)
                .service("diameter", 3868, Protocol.SCTP);
    }

    @Override
    public IpAddress hostToIpv4(String name) {
        return hosts.get(name);
    }

    @Override
    public String hostName(IpAddress address) {
        return names.get(address);
    }

    @Override
    public int serviceToPort(String name, Protocol protocol) {
        Integer p = services.get(name + "/" + protocol);
        return p == null ? -1 : p;
    }

    @Override
    public String serviceName(int port, Protocol protocol) {
        return serviceNames.get(port + "/" + protocol);
    }
}
