package io.jlvs.config.model;

/** PING_CHECK: an ICMP echo is answered. */
public record PingCheck(CheckerOptions options) implements CheckerDef {
    @Override
    public String keyword() {
        return "PING_CHECK";
    }
}
