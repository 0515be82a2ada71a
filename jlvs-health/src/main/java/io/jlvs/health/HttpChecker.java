package io.jlvs.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP_GET / SSL_GET: every url must pass; each url's exchange is bounded by connect_timeout. The health state
 * checks one url per attempt ({@link #check(int)}), as keepalived paces them.
 */
final class HttpChecker implements UrlPacedChecker {

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
    public int urlCount() {
        return params.urls().size();
    }

    @Override
    public boolean fastRecovery() {
        return params.fastRecovery();
    }

    /** Every url in one attempt (the checker API, genhash-like callers); the health state uses {@link #check(int)}. */
    @Override
    public CheckOutcome check() {
        long start = System.nanoTime();
        StringBuilder successes = new StringBuilder();
        for (int i = 0; i < params.urls().size(); i++) {
            CheckOutcome one = check(i);
            if (!one.up()) {
                return CheckOutcome.down(one.reason(), since(start));
            }
            if (!successes.isEmpty()) {
                successes.append('\n');
            }
            successes.append(one.reason());
        }
        return CheckOutcome.up(successes.toString(), since(start));
    }

    @Override
    public CheckOutcome check(int index) {
        long start = System.nanoTime();
        UrlCheck url = params.urls().get(index);
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
            boolean found = regexFound(url, response);
            if (found == url.regexNoMatch()) {
                return CheckOutcome.down(CheckLog.httpFailure("Regex match failed", label), since(start));
            }
            what = "Regex match";
        }
        return CheckOutcome.up(CheckLog.httpSuccess(what, label, url.path()), since(start));
    }

    /**
     * keepalived runs the regex over the stream as read, starting with the read that completed the header: the
     * header is searched too when that read also brought body bytes (in practice, whenever the body is not
     * empty), and an empty body matches nothing.
     */
    private static boolean regexFound(UrlCheck url, HttpResponse response) {
        if (response.body().length == 0) {
            return false;
        }
        String subject = response.header() + "\r\n\r\n" + new String(response.body(), StandardCharsets.ISO_8859_1);
        return url.regex().matcher(subject).find();
    }

    private static java.time.Duration since(long start) {
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }
}
