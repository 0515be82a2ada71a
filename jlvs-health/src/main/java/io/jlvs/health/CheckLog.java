package io.jlvs.health;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every health-check log line, worded as keepalived 2.2.7 words it, written to one sink
 * (slf4j logger {@code io.jlvs.health} at INFO by default; tests pass a list).
 */
public final class CheckLog {

    private final Consumer<String> sink;

    public CheckLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Logs to slf4j at INFO under {@code io.jlvs.health}. */
    public static CheckLog slf4j() {
        Logger log = LoggerFactory.getLogger("io.jlvs.health");
        return new CheckLog(log::info);
    }

    public void line(String text) {
        sink.accept(text);
    }

    // --- attempt lines, formatted by the checkers (returned in CheckOutcome.reason) -----------------------

    public static String tcpSuccess(String rs) {
        return "TCP connection to " + rs + " success.";
    }

    public static String tcpFailed(String rs) {
        return "TCP connection to " + rs + " failed.";
    }

    public static String tcpTimeout(String rs) {
        return "TCP connection to " + rs + " timeout.";
    }

    public static String udpSuccess(String rs) {
        return "UDP connection to " + rs + " success.";
    }

    public static String udpFailed(String rs) {
        return "UDP connection to " + rs + " failed.";
    }

    public static String udpMismatch(String rs) {
        return "UDP check to " + rs + " reply data mismatch.";
    }

    public static String icmpSuccess(String rs) {
        return "ICMP connection to " + rs + " success.";
    }

    public static String icmpTimeout(String rs) {
        return "ICMP connection to address " + rs + " timeout.";
    }

    /** HTTP success, e.g. {@code HTTP status code success to [10.0.0.11]:tcp:80 url(/index.html)}. */
    public static String httpSuccess(String what, String rs, String path) {
        return what + " success to " + rs + " url(" + path + ")";
    }

    /** HTTP failure with keepalived's debug text, e.g. {@code HTTP status code error to server [..]:tcp:80.} */
    public static String httpFailure(String debugMessage, String rs) {
        return debugMessage + " server " + rs + ".";
    }

    /**
     * keepalived 2.2.7's line for a Content-Length that differs from the body bytes received, e.g. {@code
     * http_check for RS [10.0.0.11]:tcp:80 VS [192.168.0.10]:tcp:80 url /index.html: content_length (10) does not
     * match received bytes (5)}; {@code url} is the url's own virtualhost (if any) followed by its path.
     */
    public static String httpLengthMismatch(String rs, String vs, String url, long contentLength, long received) {
        return "http_check for RS " + rs + " VS " + vs + " url " + url + ": content_length (" + contentLength
                + ") does not match received bytes (" + received + ")";
    }

    // --- checker state transitions --------------------------------------------------------------------------

    /**
     * Lines logged when a checker passes while it was down (or on its first run). HTTP's per-url success lines
     * (one per line of the reason) only come when the checker was down, as keepalived's http_handle_response.
     */
    public void checkerUp(CheckerKind kind, CheckSubject subject, CheckOutcome outcome, String scriptName,
                          boolean wasUp) {
        String rs = subject.realServerLabel();
        switch (kind) {
            case TCP_CHECK, UDP_CHECK, PING_CHECK -> line(outcome.reason());
            case HTTP_GET, SSL_GET -> {
                if (!wasUp && !outcome.reason().isEmpty()) {
                    outcome.reason().lines().forEach(this::line);
                }
                httpServerUp(subject);
            }
            case SMTP_CHECK -> line("Remote SMTP server " + rs + " succeed on service.");
            case MISC_CHECK -> line("Misc check for [" + rs + " VS " + subject.virtualServerLabel() + "] by ["
                    + scriptName + "] succeeded.");
            case DNS_CHECK, FILE_CHECK -> { }
            case BFD_CHECK -> lineIfAny(outcome.reason());
        }
    }

    /** An HTTP_GET/SSL_GET checker completed a pass over its urls while down (or on its first pass). */
    public void httpServerUp(CheckSubject subject) {
        line("Remote Web server " + subject.realServerLabel() + " succeed on service.");
    }

    private void lineIfAny(String text) {
        if (!text.isEmpty()) {
            line(text);
        }
    }

    /** A failed attempt that will be retried (only logged with log_all_failures). */
    public void attemptFailed(CheckerKind kind, CheckSubject subject, CheckOutcome outcome, int retryIt, int retry,
                              String scriptName) {
        switch (kind) {
            case MISC_CHECK -> line(misc(subject, scriptName, outcome.reason(), retryIt == 1
                    ? ", will do " + retry + (retry == 1 ? " retry" : " retries")
                    : " on retry " + (retryIt - 1) + "/" + retry));
            case SMTP_CHECK -> line("SMTP_CHECK " + outcome.reason());
            case DNS_CHECK -> line("DNS_CHECK (" + subject.realServerLabel() + ") " + outcome.reason());
            default -> line(outcome.reason());
        }
    }

    /** Lines logged when a checker fails for good (after its retries) while it was up (or on its first run). */
    public void checkerDown(CheckerKind kind, CheckSubject subject, CheckOutcome outcome, int retriesDone,
                            int retry, String scriptName) {
        String rs = subject.realServerLabel();
        String after = retriesDone > 0 ? " after " + retriesDone + " retries" : "";
        switch (kind) {
            case TCP_CHECK, UDP_CHECK -> line(kind.name() + " on service " + rs + " failed" + after + ".");
            // keepalived's HTTP and MISC checkers name the configured retry count, even when the failure
            // was not retried (the first attempt)
            case HTTP_GET, SSL_GET -> line("HTTP_CHECK on service " + rs + " failed"
                    + (retry > 0 ? " after " + retry + " retries" : "") + ".");
            case PING_CHECK -> line(retriesDone > 0
                    ? "ICMP CHECK on service " + rs + " of " + subject.virtualServerLabel() + " failed" + after + "."
                    : "ICMP CHECK on service " + rs + " failed.");
            case SMTP_CHECK -> line("SMTP_CHECK " + outcome.reason());
            case DNS_CHECK -> line("DNS_CHECK (" + rs + ") " + outcome.reason() + after);
            case MISC_CHECK -> line(misc(subject, scriptName, outcome.reason(),
                    retry == 0 ? " with retry disabled" : " after " + retry + (retry == 1 ? " retry" : " retries")));
            case FILE_CHECK -> { }
            case BFD_CHECK -> lineIfAny(outcome.reason());
        }
    }

    private static String misc(CheckSubject subject, String scriptName, String reason, String retryText) {
        // reason is "timed out" or "failed (exited with status 1)" style: split the parenthesised part
        int paren = reason.indexOf(" (");
        String type = paren < 0 ? reason : reason.substring(0, paren);
        String tail = paren < 0 ? "" : reason.substring(paren);
        return "Misc check for [" + subject.realServerLabel() + " VS " + subject.virtualServerLabel() + "] by ["
                + scriptName + "] " + type + retryText + tail + ".";
    }

    // --- virtual server lines ------------------------------------------------------------------------------

    public void realServerAlive(boolean alive, boolean inhibit, String rs, String vs) {
        String verb = alive ? (inhibit ? "Enabl" : "Add") : (inhibit ? "Disabl" : "Remov");
        line(verb + "ing service " + rs + " " + (inhibit ? "of" : alive ? "to" : "from") + " VS " + vs);
    }

    public void realServerShutdown(boolean inhibitedDown, String rs, String vs) {
        line("Shutting down " + (inhibitedDown ? "(inhibited) " : "") + "service " + rs + " from VS " + vs);
    }

    public void weightChanged(int from, int to, boolean active, String rs, String vs) {
        line("Changing weight from " + from + " to " + to + " for " + (active ? "" : "in") + "active service " + rs
                + " of VS " + vs);
    }

    public void quorumGained(long quorum, long hysteresis, long threshold, long weightSum, String vs) {
        line("Gained quorum " + quorum + "+" + hysteresis + "=" + threshold + " <= " + weightSum + " for VS " + vs);
    }

    public void quorumLost(boolean init, long quorum, long hysteresis, long threshold, long weightSum, String vs) {
        line((init ? "Starting with quorum down" : "Lost quorum") + " " + quorum + "-" + hysteresis + "=" + threshold
                + " > " + weightSum + " for VS " + vs);
    }

    public void sorryServer(boolean add, boolean inhibit, String rs, String vs) {
        line(add ? (inhibit ? "Enabling" : "Adding") + " sorry server " + rs + " to VS " + vs
                : (inhibit ? "Disabling" : "Removing") + " sorry server " + rs + " from VS " + vs);
    }

    public void scriptInsecure(String path) {
        line("Unsafe permissions found for script '" + path + "' - disabling.");
    }
}
