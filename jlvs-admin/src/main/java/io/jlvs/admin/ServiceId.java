package io.jlvs.admin;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualServiceKey;
import java.util.Locale;

/**
 * The URL path segment that names a virtual service or a real server in the REST API. Services:
 * {@code tcp-10.0.0.1-80}, {@code udp-2001:db8::1-53}, {@code sctp-10.0.0.1-9000}, {@code fwm-7} (IPv4
 * fwmark), {@code fwm6-7} (IPv6 fwmark). Real servers: {@code 192.168.1.11-80}, {@code 2001:db8::11-80}.
 * Addresses are written as {@link IpAddress#toString()} does (inet_ntop); IPv6 addresses never contain
 * '-', so the port is what follows the last '-'. Parsing also takes {@code 10.0.0.1:80} and
 * {@code [2001:db8::1]:80} for a real server.
 */
public final class ServiceId {
    private ServiceId() {
    }

    public static String of(VirtualServiceKey key) {
        return switch (key) {
            case InetServiceKey k -> k.protocol().lowerName() + "-" + k.address() + "-" + k.port();
            case FwmarkServiceKey k -> (k.family() == AddressFamily.INET6 ? "fwm6-" : "fwm-")
                    + Integer.toUnsignedString(k.fwmark());
        };
    }

    public static String of(RealServer server) {
        return server(server.address(), server.port());
    }

    public static String server(IpAddress address, int port) {
        return address + "-" + port;
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code id} */
    public static VirtualServiceKey parseService(String id) {
        int dash = id.indexOf('-');
        if (dash <= 0) {
            throw bad(id);
        }
        String kind = id.substring(0, dash).toLowerCase(Locale.ROOT);
        String rest = id.substring(dash + 1);
        if (kind.equals("fwm") || kind.equals("fwm6")) {
            long mark = parseNumber(rest, 1, 0xffffffffL, id);
            return new FwmarkServiceKey((int) mark, kind.equals("fwm6") ? AddressFamily.INET6 : AddressFamily.INET);
        }
        Protocol protocol = null;
        for (Protocol p : Protocol.values()) {
            if (p.lowerName().equals(kind)) {
                protocol = p;
            }
        }
        if (protocol == null) {
            throw bad(id);
        }
        int last = rest.lastIndexOf('-');
        if (last <= 0) {
            throw bad(id);
        }
        IpAddress address = address(rest.substring(0, last), id);
        int port = (int) parseNumber(rest.substring(last + 1), 0, 65535, id);
        return new InetServiceKey(protocol, address, port);
    }

    /** A real server id: {@code addr-port}, {@code addr:port} (IPv4) or {@code [v6]:port}. */
    public static Endpoint parseServer(String id) {
        int split;
        String addr;
        if (id.startsWith("[")) {
            int close = id.indexOf(']');
            if (close < 0 || close + 1 >= id.length() || id.charAt(close + 1) != ':') {
                throw badServer(id);
            }
            addr = id.substring(1, close);
            split = close + 1;
        } else {
            split = id.lastIndexOf('-');
            if (split < 0 && id.indexOf(':') == id.lastIndexOf(':')) {
                split = id.indexOf(':');
            }
            if (split <= 0) {
                throw badServer(id);
            }
            addr = id.substring(0, split);
        }
        IpAddress address;
        try {
            address = IpAddress.parse(addr);
        } catch (IllegalArgumentException e) {
            throw badServer(id);
        }
        String port = id.substring(split + 1);
        return new Endpoint(address, (int) parseNumber(port, 0, 65535, id));
    }

    /** A real server's address and port, as a server id names it. */
    public record Endpoint(IpAddress address, int port) {
        @Override
        public String toString() {
            return server(address, port);
        }
    }

    private static IpAddress address(String text, String id) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw bad(id);
        }
    }

    private static long parseNumber(String text, long min, long max, String id) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("\"" + id + "\": expected a number in " + min + ".." + max
                    + " after the last '-'");
        }
        long v = Long.parseLong(text);
        if (v < min || v > max) {
            throw new IllegalArgumentException("\"" + id + "\": " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    private static IllegalArgumentException bad(String id) {
        return new IllegalArgumentException("\"" + id + "\" is not a service id; expected e.g. tcp-10.0.0.1-80, "
                + "udp-2001:db8::1-53, fwm-7 or fwm6-7");
    }

    private static IllegalArgumentException badServer(String id) {
        return new IllegalArgumentException("\"" + id + "\" is not a real server id; expected e.g. "
                + "192.168.1.11-80 or 2001:db8::11-80");
    }
}
