package io.jlvs.config.model;

/** DNS_CHECK: a query of {@code type} (default SOA) for {@code name} (default ".") is answered. */
public record DnsCheck(CheckerOptions options, String type, String name) implements CheckerDef {
    @Override
    public String keyword() {
        return "DNS_CHECK";
    }
}
