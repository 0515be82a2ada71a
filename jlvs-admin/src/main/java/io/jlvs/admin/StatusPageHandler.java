package io.jlvs.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The live status page: / (index.html), /status.js and /status.css, read once from the jar's resources. */
final class StatusPageHandler implements HttpHandler {
    private record Asset(String type, byte[] bytes) {
    }

    private final Map<String, Asset> assets = new HashMap<>();

    StatusPageHandler() {
        assets.put("/", load("index.html", "text/html; charset=utf-8"));
        assets.put("/index.html", assets.get("/"));
        assets.put("/status.js", load("status.js", "text/javascript; charset=utf-8"));
        assets.put("/status.css", load("status.css", "text/css; charset=utf-8"));
    }

    private static Asset load(String name, String type) {
        try (InputStream in = StatusPageHandler.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("status page resource missing: " + name);
            }
            return new Asset(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try (http) {
            Asset a = assets.get(http.getRequestURI().getPath());
            if (a == null) {
                StaticText.send(http, 404, "not found; the status page is at /, the API under /api/v1, "
                        + "metrics at /metrics\n");
                return;
            }
            if (!http.getRequestMethod().equals("GET")) {
                http.getResponseHeaders().set("Allow", "GET");
                StaticText.send(http, 405, "only GET\n");
                return;
            }
            http.getResponseHeaders().set("Content-Type", a.type());
            http.getResponseHeaders().set("Cache-Control", "no-cache");
            http.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            http.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
            http.sendResponseHeaders(200, a.bytes().length);
            http.getResponseBody().write(a.bytes());
        }
    }
}
