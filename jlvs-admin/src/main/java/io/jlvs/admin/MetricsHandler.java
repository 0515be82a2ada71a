package io.jlvs.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /metrics: the registry in Prometheus text exposition format 0.0.4, gzip-compressed when the request's
 * Accept-Encoding allows gzip (Prometheus always sends it). The client library's PrometheusScrapeHandler
 * would compress too, but it also picks OpenMetrics or protobuf from the Accept header, and the format here
 * is text 0.0.4 whatever is asked (docs/metrics.md).
 */
final class MetricsHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsHandler(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** The exposition text of one scrape. */
    static String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try (http) {
            if (!http.getRequestURI().getPath().equals("/metrics")) {
                StaticText.send(http, 404, "not found\n");
                return;
            }
            if (!http.getRequestMethod().equals("GET")) {
                http.getResponseHeaders().set("Allow", "GET");
                StaticText.send(http, 405, "only GET\n");
                return;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
            try {
                writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
            } catch (RuntimeException e) {
                log.warn("scrape of /metrics failed", e);
                StaticText.send(http, 500, "scrape failed: " + e.getMessage() + "\n");
                return;
            }
            http.getResponseHeaders().set("Content-Type", writer.getContentType());
            http.getResponseHeaders().set("Vary", "Accept-Encoding");
            if (acceptsGzip(http.getRequestHeaders().get("Accept-Encoding"))) {
                ByteArrayOutputStream gzipped = new ByteArrayOutputStream(out.size() / 4 + 64);
                try (GZIPOutputStream gz = new GZIPOutputStream(gzipped)) {
                    out.writeTo(gz);
                }
                out = gzipped;
                http.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            http.sendResponseHeaders(200, out.size());
            out.writeTo(http.getResponseBody());
        }
    }

    /** True when an Accept-Encoding header lists gzip (or x-gzip) without q=0 (RFC 9110 section 12.5.3). */
    static boolean acceptsGzip(List<String> acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String header : acceptEncoding) {
            for (String coding : header.split(",")) {
                String[] parts = coding.split(";");
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                if (!name.equals("gzip") && !name.equals("x-gzip")) {
                    continue;
                }
                boolean refused = false;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim().toLowerCase(Locale.ROOT);
                    if (p.startsWith("q=")) {
                        refused = p.substring(2).trim().matches("0(\\.0{0,3})?");
                    }
                }
                if (!refused) {
                    return true;
                }
            }
        }
        return false;
    }
}
