package io.jlvs.health;

import io.jlvs.core.IpAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The logic of {@code jlvs genhash} (keepalived's genhash): GET a url over HTTP or HTTPS and print the MD5 of the
 * body as 32 lower-case hex digits and a newline, which is what a url block's {@code digest} wants. With verbose,
 * the response header and keepalived's "HTML hash" banner come first.
 *
 * @param virtualhost the Host header (and the SNI name with useSni), or null for address:port
 */
public record Genhash(IpAddress server, int port, String url, boolean ssl, boolean useSni, String virtualhost,
                      HttpProtocol protocol, Duration timeout, boolean verbose) {

    private static final String DELIM_BEGIN = "-----------------------[";
    private static final String DELIM_END = "]-----------------------";

    public Genhash {
        if (server == null || url == null || url.isEmpty()) {
            throw new IllegalArgumentException("genhash needs -s server-address -p port -u url");
        }
        protocol = protocol == null ? HttpProtocol.HTTP_1_0 : protocol;
        timeout = timeout == null ? CheckTiming.DEFAULT_CONNECT_TIMEOUT : timeout;
    }

    /** Fetches and prints; returns the process exit status (0 ok, 1 failure with the reason on {@code err}). */
    public int run(PrintStream out, PrintStream err) {
        HttpFetch fetch = new HttpFetch(CheckTarget.of(server, port), ssl ? TrustAllTls.socketFactory() : null,
                protocol, timeout, HttpCheck.DEFAULT_MAX_RESPONSE_BYTES);
        HttpResponse response;
        try {
            response = fetch.get(url, virtualhost, useSni ? virtualhost : null, false);
        } catch (IOException e) {
            err.println(e instanceof HttpProbeException ? e.getMessage() + " server "
                    + CheckSubject.pair(server, port) + "." : "Connection failed: " + e.getMessage());
            return 1;
        }
        if (response.bodyBytes() == 0) {
            err.println("no data received from remote webserver");
            return 1;
        }
        if (verbose) {
            out.println(DELIM_BEGIN + " HTTP Header Ascii Buffer " + DELIM_END);
            out.println(response.header());
            out.println();
            out.println(DELIM_BEGIN + "    HTML hash resulting    " + DELIM_END);
            out.print("MD5SUM = ");
        }
        out.println(response.md5());
        return 0;
    }
}
