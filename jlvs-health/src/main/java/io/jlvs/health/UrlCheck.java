package io.jlvs.health;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One url block of HTTP_GET/SSL_GET.
 *
 * @param digest       MD5 of the body as 32 lower-case hex digits (genhash's output), or null
 * @param statusCodes  accepted status codes (default 200-299)
 * @param virtualhost  Host header for this url, or null (falls back to the checker's, then the real server's)
 * @param regex        a pattern that must be found in the body (Java regex syntax), or null
 * @param regexNoMatch reverse the sense of regex: a match fails the check
 */
public record UrlCheck(String path, String digest, StatusCodes statusCodes, String virtualhost, Pattern regex,
                       boolean regexNoMatch) {

    public UrlCheck {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("HTTP/SSL_GET checker url has no path");
        }
        if (digest != null) {
            if (digest.length() != 32) {
                throw new IllegalArgumentException("digest '" + digest + "' character length should be 32 rather than "
                        + digest.length());
            }
            HexFormat.of().parseHex(digest);
            digest = digest.toLowerCase(java.util.Locale.ROOT);
        }
        statusCodes = statusCodes == null ? StatusCodes.DEFAULT : statusCodes;
    }

    public static UrlCheck path(String path) {
        return new UrlCheck(path, null, null, null, null, false);
    }

    public UrlCheck withDigest(String value) {
        return new UrlCheck(path, value, statusCodes, virtualhost, regex, regexNoMatch);
    }

    public UrlCheck withStatusCodes(String value) {
        return new UrlCheck(path, digest, StatusCodes.parse(value), virtualhost, regex, regexNoMatch);
    }

    public UrlCheck withVirtualhost(String value) {
        return new UrlCheck(path, digest, statusCodes, value, regex, regexNoMatch);
    }

    public UrlCheck withRegex(String value, boolean noMatch) {
        return new UrlCheck(path, digest, statusCodes, virtualhost, Pattern.compile(value), noMatch);
    }
}
