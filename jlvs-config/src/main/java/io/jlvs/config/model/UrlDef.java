package io.jlvs.config.model;

import java.util.List;

/**
 * One {@code url} block of HTTP_GET / SSL_GET.
 *
 * @param statusCodes the status_code words as written (codes or ranges such as 200-299); empty: 2xx
 */
public record UrlDef(String path, String digest, List<String> statusCodes, String virtualhost, String regex,
        boolean regexNoMatch) {
    public UrlDef {
        statusCodes = List.copyOf(statusCodes);
    }
}
