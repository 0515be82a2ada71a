package io.jlvs.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Plain-text answers for the non-API paths (404, 405). */
final class StaticText {
    private StaticText() {
    }

    static void send(HttpExchange http, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        http.sendResponseHeaders(status, bytes.length);
        http.getResponseBody().write(bytes);
    }
}
