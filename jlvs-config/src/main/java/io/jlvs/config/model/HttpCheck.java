package io.jlvs.config.model;

import java.util.List;

/** HTTP_GET or SSL_GET ({@code ssl} true): fetch each url and check status, digest or regex. */
public record HttpCheck(boolean ssl, CheckerOptions options, String virtualhost, String httpProtocol,
        boolean enableSni, boolean fastRecovery, List<UrlDef> urls) implements CheckerDef {
    public HttpCheck {
        urls = List.copyOf(urls);
    }

    @Override
    public String keyword() {
        return ssl ? "SSL_GET" : "HTTP_GET";
    }
}
