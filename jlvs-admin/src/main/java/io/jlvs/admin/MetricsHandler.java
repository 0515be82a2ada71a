package io.jlvs.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GET /metrics: the registry in Prometheus text exposition format 0.0.4. */
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
            http.sendResponseHeaders(200, out.size());
            out.writeTo(http.getResponseBody());
        }
    }
}
