package io.jlvs.config.model;

import io.jlvs.core.IpAddress;

/** What follows {@code virtual_server}: {@code IP port}, {@code fwmark N} or {@code group NAME}. */
public sealed interface ServiceAddress {

    record Inet(IpAddress address, int port) implements ServiceAddress {
        @Override
        public String toString() {
            return address.withPort(port);
        }
    }

    record Fwmark(int fwmark) implements ServiceAddress {
        @Override
        public String toString() {
            return "FWM " + Integer.toUnsignedString(fwmark);
        }
    }

    record Group(String name) implements ServiceAddress {
        @Override
        public String toString() {
            return "GROUP " + name;
        }
    }
}
