package io.jlvs.cli.adm;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;

/**
 * An address with an optional port, read as ipvsadm's parse_service reads {@code host[:port]}: IPv6 literals bare
 * or as {@code [addr]:port}, IPv4 in inet_aton syntax or a host name (IPv4 only, as gethostbyname), the port a
 * number or a service name for the protocol.
 *
 * @param hasPort whether the text named a port (else port is 0)
 */
record Endpoint(IpAddress address, int port, boolean hasPort) {

    /** The endpoint, or null where ipvsadm's parse_service gives SERVICE_NONE. */
    static Endpoint parse(String text, Protocol protocol, NameResolver resolver) {
        if (CNumbers.allDigits(text)) {
            return null;
        }
        String buf = text;
        String portText = null;
        boolean bracketed = false;
        if (buf.startsWith("[")) {
            int close = buf.indexOf(']');
            if (close < 0 || close + 1 >= buf.length() || buf.charAt(close + 1) != ':') {
                return null;
            }
            portText = buf.substring(close + 2);
            buf = buf.substring(1, close);
            bracketed = true;
        }
        IpAddress address = ipv6(buf);
        if (address == null) {
            portText = null;
            int colon = buf.lastIndexOf(':');
            if (colon >= 0) {
                portText = buf.substring(colon + 1);
                buf = buf.substring(0, colon);
            }
            long v4 = CNumbers.inetAton(buf);
            if (v4 >= 0) {
                address = IpAddress.ofV4((int) v4);
            } else {
                address = resolver.hostToIpv4(buf);
                if (address == null) {
                    return null;
                }
            }
        } else if (!bracketed) {
            portText = null;
        }
        if (portText == null) {
            return new Endpoint(address, 0, false);
        }
        long port = CNumbers.stringToNumber(portText, 0, 65535);
        if (port < 0) {
            port = protocol == null ? -1 : resolver.serviceToPort(portText, protocol);
            if (port < 0 || port > 65535) {
                return null;
            }
        }
        return new Endpoint(address, (int) port, true);
    }

    /** inet_pton(AF_INET6, ...): an IPv6 literal, or null. */
    static IpAddress ipv6(String s) {
        return InetPton.v6(s);
    }
}
