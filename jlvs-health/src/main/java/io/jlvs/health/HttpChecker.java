package io.jlvs.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocketFactory;

/** HTTP_GET / SSL_GET: every url must pass; each url's exchange is bounded by connect_timeout. */
final class HttpChecker implements HealthChecker {

    private final HttpCheck params;
    private final HttpFetch fetch;
    private final String label;
    private final String defaultVirtualhost;

    /** @param inheritedVirtualhost the real server's, else the virtual server's virtualhost, or null */
    HttpChecker(HttpCheck params, CheckTarget target, CheckTiming timing, CheckSubject subject,
                String inheritedVirtualhost, SSLSocketFactory tls) {
        this.params = params;
        this.fetch = new HttpFetch(target, params.ssl() ? tls : null, params.protocol(), timing.connectTimeout(),
                params.maxResponseBytes());
        this.label = subject.realServerLabel();
        this.defaultVirtualhost = params.virtualhost() != null ? params.virtualhost() : inheritedVirtualhost;
    }

    @Override
    public CheckerKind kind() {
        return params.kind();
    }

    @Override
    public CheckOutcome check() {
        long start = System.nanoTime();
        String lastSuccess = "";
        for (UrlCheck url : params.urls()) {
            String vhost = url.virtualhost() != null ? url.virtualhost() : defaultVirtualhost;
            String sni = params.enableSni() ? (params.sniName() != null ? params.sniName() : vhost) : null;
            HttpResponse response;
            try {
                response = fetch.get(url.path(), vhost, sni, url.regex() != null);
            } catch (IOException e) {
                String text = e instanceof HttpProbeException ? e.getMessage() : "Connection failed";
                return CheckOutcome.down(CheckLog.httpFailure(text, label), since(start));
            }
            String what = "HTTP status code";
            if (response.status() < 0 || !url.statusCodes().accepts(response.status())) {
                return CheckOutcome.down(CheckLog.httpFailure("HTTP status code error to", label), since(start));
            }
            if (url.digest() != null) {
                if (!url.digest().equals(response.md5())) {
                    return CheckOutcome.down(CheckLog.httpFailure("MD5 digest error to", label), since(start));
                }
                what = "MD5 digest";
            }
            if (url.regex() != null) {
                String body = new String(response.body(), StandardCharsets.ISO_8859_1);
                boolean found = url.regex().matcher(body).find();
                if (found == url.regexNoMatch()) {
                    return CheckOutcome.down(CheckLog.httpFailure("Regex match failed", label), since(start));
                }
                what = "Regex match";
            }
            lastSuccess = CheckLog.httpSuccess(what, label, url.path());
        }
        return CheckOutcome.up(lastSuccess, since(start));
    }

    private static java.time.Duration since(long start) {
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }
}
