package io.jlvs.health;

/** http_protocol of HTTP_GET/SSL_GET: 1.0 (default), 1.0C (1.0 with "Connection: close") or 1.1. */
public enum HttpProtocol {
    HTTP_1_0("1.0", 0, false),
    HTTP_1_0C("1.0C", 0, true),
    HTTP_1_1("1.1", 1, true);

    private final String configName;
    private final int minor;
    private final boolean connectionClose;

    HttpProtocol(String configName, int minor, boolean connectionClose) {
        this.configName = configName;
        this.minor = minor;
        this.connectionClose = connectionClose;
    }

    public String configName() {
        return configName;
    }

    public int minor() {
        return minor;
    }

    public boolean connectionClose() {
        return connectionClose;
    }

    /** Parses "1.0", "1.0C" (any case) or "1.1". */
    public static HttpProtocol parse(String text) {
        for (HttpProtocol p : values()) {
            if (p.configName.equalsIgnoreCase(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Invalid http_protocol version " + text);
    }
}
