package io.jlvs.admin;

import java.nio.file.Path;

/**
 * Where and how the admin HTTP server listens.
 *
 * @param host         address to bind; {@value #DEFAULT_HOST} unless the operator opts in to more
 * @param port         TCP port; 0 picks a free one (tests)
 * @param tokenFile    file holding the bearer token that mutations need (mode 0600 or 0400); null = the
 *                     API is read-only
 * @param maxBodyBytes largest request body accepted; larger is 413
 */
public record AdminOptions(String host, int port, Path tokenFile, int maxBodyBytes) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9900;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public AdminOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("admin host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin port out of range: " + port);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
    }

    /** 127.0.0.1:9900, read-only. */
    public static AdminOptions defaults() {
        return new AdminOptions(DEFAULT_HOST, DEFAULT_PORT, null, DEFAULT_MAX_BODY_BYTES);
    }

    public AdminOptions withPort(int newPort) {
        return new AdminOptions(host, newPort, tokenFile, maxBodyBytes);
    }

    public AdminOptions withHost(String newHost) {
        return new AdminOptions(newHost, port, tokenFile, maxBodyBytes);
    }

    public AdminOptions withTokenFile(Path file) {
        return new AdminOptions(host, port, file, maxBodyBytes);
    }
}
