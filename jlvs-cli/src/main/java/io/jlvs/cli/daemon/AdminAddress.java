package io.jlvs.cli.daemon;

import io.jlvs.admin.AdminOptions;

/** Reads `--admin HOST:PORT` (IPv6 as [addr]:port). */
final class AdminAddress {
    private AdminAddress() {
    }

    static AdminOptions parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--admin wants HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--admin port must be a number, got '" + text.substring(colon + 1) + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--admin port out of range: " + port);
        }
        return AdminOptions.defaults().withPort(port).withHost(host);
    }
}
