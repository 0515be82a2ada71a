package io.jlvs.cli.adm;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's own names: the JDK resolver (hosts file, DNS) for hosts and a services file (normally /etc/services)
 * for ports. The services file is read once, on first use.
 */
public final class SystemNameResolver implements NameResolver {
    /** One services-file entry: names (official first), port, protocol in lower case. */
    private record ServiceEntry(String[] names, int port, String protocol) {
    }

    private final Path servicesFile;
    private List<ServiceEntry> services;

    public SystemNameResolver(Path servicesFile) {
        this.servicesFile = servicesFile;
    }

    public static SystemNameResolver standard() {
        return new SystemNameResolver(Path.of("/etc/services"));
    }

    @Override
    public IpAddress hostToIpv4(String name) {
        if (name.isEmpty()) {
            return null;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(name)) {
                if (a instanceof Inet4Address) {
                    return IpAddress.of(a);
                }
            }
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
        return null;
    }

    @Override
    public String hostName(IpAddress address) {
        InetAddress a = address.toInetAddress();
        String name = a.getCanonicalHostName();
        return name == null || name.equals(a.getHostAddress()) ? null : name;
    }

    @Override
    public int serviceToPort(String name, Protocol protocol) {
        String proto = protocol.lowerName();
        for (ServiceEntry e : services()) {
            if (e.protocol().equals(proto)) {
                for (String n : e.names()) {
                    if (n.equals(name)) {
                        return e.port();
                    }
                }
            }
        }
        return -1;
    }

    @Override
    public String serviceName(int port, Protocol protocol) {
        String proto = protocol.lowerName();
        for (ServiceEntry e : services()) {
            if (e.port() == port && e.protocol().equals(proto)) {
                return e.names()[0];
            }
        }
        return null;
    }

    private List<ServiceEntry> services() {
        if (services == null) {
            services = read(servicesFile);
        }
        return services;
    }

    private static List<ServiceEntry> read(Path file) {
        List<ServiceEntry> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                int hash = line.indexOf('#');
                if (hash >= 0) {
                    line = line.substring(0, hash);
                }
                String[] words = line.trim().split("[ \t]+");
                if (words.length < 2 || words[0].isEmpty()) {
                    continue;
                }
                int slash = words[1].indexOf('/');
                if (slash <= 0) {
                    continue;
                }
                long port = CNumbers.stringToNumber(words[1].substring(0, slash), 0, 65535);
                if (port < 0) {
                    continue;
                }
                String[] names = new String[words.length - 1];
                names[0] = words[0];
                System.arraycopy(words, 2, names, 1, words.length - 2);
                out.add(new ServiceEntry(names, (int) port, words[1].substring(slash + 1).toLowerCase()));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
