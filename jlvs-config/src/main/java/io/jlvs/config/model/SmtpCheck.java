package io.jlvs.config.model;

import java.util.List;

/** SMTP_CHECK: an SMTP greeting and HELO, against the real server or each {@code host} block. */
public record SmtpCheck(CheckerOptions options, String heloName, List<CheckerOptions> hosts) implements CheckerDef {
    public SmtpCheck {
        hosts = List.copyOf(hosts);
    }

    @Override
    public String keyword() {
        return "SMTP_CHECK";
    }
}
