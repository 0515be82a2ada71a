package io.jlvs.config.model;

/** TCP_CHECK: a TCP connect succeeds. */
public record TcpCheck(CheckerOptions options) implements CheckerDef {
    @Override
    public String keyword() {
        return "TCP_CHECK";
    }
}
