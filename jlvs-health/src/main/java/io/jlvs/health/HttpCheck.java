package io.jlvs.health;

import java.util.List;

/**
 * HTTP_GET and SSL_GET: GET every url; each must answer with an accepted status code, and the body must
 * match the url's digest and regex when set.
 *
 * @param ssl              SSL_GET (TLS, certificates not verified, as keepalived) instead of HTTP_GET
 * @param virtualhost      the checker's virtualhost, or null (the real/virtual server's is passed in at creation)
 * @param enableSni        send SNI: sniName, else the virtualhost
 * @param maxResponseBytes header and body larger than this fail the check (our bound; keepalived has none)
 * @param fastRecovery     fast_recovery: while the checker is coming up (first pass, or down with no failed url
 *                         pending), the next url is checked at once instead of a delay_loop later
 */
public record HttpCheck(ConnectOptions connect, boolean ssl, HttpProtocol protocol, String virtualhost,
                        List<UrlCheck> urls, boolean enableSni, String sniName, int maxResponseBytes,
                        boolean fastRecovery)
        implements CheckerParams {

    public static final int DEFAULT_MAX_RESPONSE_BYTES = 16 << 20;
    /** Header lines longer in total than this fail the check. */
    public static final int MAX_HEADER_BYTES = 64 << 10;

    public HttpCheck {
        connect = connect == null ? ConnectOptions.DEFAULT : connect;
        protocol = protocol == null ? HttpProtocol.HTTP_1_0 : protocol;
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("HTTP/SSL_GET checker has no urls specified");
        }
        urls = List.copyOf(urls);
        maxResponseBytes = maxResponseBytes <= 0 ? DEFAULT_MAX_RESPONSE_BYTES : maxResponseBytes;
    }

    public static HttpCheck http(UrlCheck... urls) {
        return new HttpCheck(null, false, null, null, List.of(urls), false, null, 0, false);
    }

    public static HttpCheck ssl(UrlCheck... urls) {
        return new HttpCheck(null, true, null, null, List.of(urls), false, null, 0, false);
    }

    public HttpCheck withConnect(ConnectOptions value) {
        return new HttpCheck(value, ssl, protocol, virtualhost, urls, enableSni, sniName, maxResponseBytes, fastRecovery);
    }

    public HttpCheck withProtocol(HttpProtocol value) {
        return new HttpCheck(connect, ssl, value, virtualhost, urls, enableSni, sniName, maxResponseBytes, fastRecovery);
    }

    public HttpCheck withVirtualhost(String value) {
        return new HttpCheck(connect, ssl, protocol, value, urls, enableSni, sniName, maxResponseBytes, fastRecovery);
    }

    public HttpCheck withSni(String name) {
        return new HttpCheck(connect, ssl, protocol, virtualhost, urls, true, name, maxResponseBytes, fastRecovery);
    }

    public HttpCheck withMaxResponseBytes(int value) {
        return new HttpCheck(connect, ssl, protocol, virtualhost, urls, enableSni, sniName, value, fastRecovery);
    }

    public HttpCheck withFastRecovery(boolean value) {
        return new HttpCheck(connect, ssl, protocol, virtualhost, urls, enableSni, sniName, maxResponseBytes, value);
    }

    @Override
    public CheckerKind kind() {
        return ssl ? CheckerKind.SSL_GET : CheckerKind.HTTP_GET;
    }
}
