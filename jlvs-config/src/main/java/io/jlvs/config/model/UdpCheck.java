package io.jlvs.config.model;

/** UDP_CHECK: send {@code payload} (hex); with {@code requireReply} a reply within the lengths is needed. */
public record UdpCheck(CheckerOptions options, String payload, boolean requireReply, int minReplyLength,
        int maxReplyLength) implements CheckerDef {
    @Override
    public String keyword() {
        return "UDP_CHECK";
    }
}
