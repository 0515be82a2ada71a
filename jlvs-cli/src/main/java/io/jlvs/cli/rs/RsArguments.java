package io.jlvs.cli.rs;

import io.jlvs.core.IpAddress;

/** Argument checks the real-server commands share. */
final class RsArguments {
    private RsArguments() {
    }

    /** {@code text} as an IPv4 or IPv6 address, or null when it is neither. */
    static IpAddress address(String text) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code text} as an IPv4 address, or null when it is not one. */
    static IpAddress ipv4(String text) {
        try {
            IpAddress a = IpAddress.parse(text);
            return a.isV4() ? a : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
