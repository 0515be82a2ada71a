package io.jlvs.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
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
    private final String virtualServerLabel;
    /** Per url, the Content-Length minus the bytes received last reported (keepalived's url->len_mismatch). */
    private final AtomicLongArray lenMismatch;

    /** @param inheritedVirtualhost the real server's, else the virtual server's virtualhost, or null */
    HttpChecker(HttpCheck params, CheckTarget target, CheckTiming timing, CheckSubject subject,
                String inheritedVirtualhost, SSLSocketFactory tls) {
        this.params = params;
        this.fetch = new HttpFetch(target, params.ssl() ? tls : null, params.protocol(), timing.connectTimeout(),
                params.maxResponseBytes());
        this.label = subject.realServerLabel();
        this.defaultVirtualhost = params.virtualhost() != null ? params.virtualhost() : inheritedVirtualhost;
        this.virtualServerLabel = subject.virtualServerLabel();
        this.lenMismatch = new AtomicLongArray(params.urls().size());
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
        CheckOutcome notes = CheckOutcome.up("", Duration.ZERO);
        for (int i = 0; i < params.urls().size(); i++) {
            CheckOutcome one = check(i);
            notes = notes.withNote(one.note());
            if (!one.up()) {
                return CheckOutcome.down(one.reason(), since(start)).withNote(notes.note());
            }
            if (!successes.isEmpty()) {
                successes.append('\n');
            }
            successes.append(one.reason());
        }
        return CheckOutcome.up(successes.toString(), since(start)).withNote(notes.note());
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
        String note = lengthMismatch(index, url, response);
        if (url.digest() != null) {
            if (!url.digest().equals(response.md5())) {
                return CheckOutcome.down(CheckLog.httpFailure("MD5 digest error to", label), since(start))
                        .withNote(note);
            }
            what = "MD5 digest";
        }
        if (url.regex() != null) {
            boolean found = regexFound(url, response);
            if (found == url.regexNoMatch()) {
                return CheckOutcome.down(CheckLog.httpFailure("Regex match failed", label), since(start))
                        .withNote(note);
            }
            what = "Regex match";
        }
        return CheckOutcome.up(CheckLog.httpSuccess(what, label, url.path()), since(start)).withNote(note);
    }

    /**
     * keepalived's http_handle_response, once the status code is accepted: a Content-Length that differs from the
     * bytes received is reported the first time that difference is seen for the url (a matching or absent length
     * forgets it). Empty when nothing is to be logged.
     */
    private String lengthMismatch(int index, UrlCheck url, HttpResponse response) {
        if (response.contentLength() < 0 || response.contentLength() == response.bodyBytes()) {
            lenMismatch.set(index, 0);
            return "";
        }
        long diff = response.contentLength() - response.bodyBytes();
        if (lenMismatch.getAndSet(index, diff) == diff) {
            return "";
        }
        return CheckLog.httpLengthMismatch(label, virtualServerLabel,
                (url.virtualhost() != null ? url.virtualhost() : "") + url.path(), response.contentLength(),
                response.bodyBytes());
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

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
