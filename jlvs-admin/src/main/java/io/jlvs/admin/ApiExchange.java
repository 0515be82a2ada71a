package io.jlvs.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One REST request under /api/v1: its path segments, query, JSON body; and the JSON answer. */
final class ApiExchange {
    static final String PREFIX = "/api/v1";

    private final HttpExchange http;
    private final ObjectMapper mapper;
    private final int maxBodyBytes;
    private final List<String> path;

    ApiExchange(HttpExchange http, ObjectMapper mapper, int maxBodyBytes) {
        this.http = http;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
        this.path = segments(http.getRequestURI().getRawPath());
    }

    private static List<String> segments(String rawPath) {
        String rest = rawPath.length() > PREFIX.length() ? rawPath.substring(PREFIX.length()) : "";
        List<String> out = new ArrayList<>();
        for (String s : rest.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    String method() {
        return http.getRequestMethod();
    }

    /** Path segments after /api/v1, percent-decoded. */
    List<String> path() {
        return path;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** A query parameter, or null. */
    String query(String name) {
        String q = http.getRequestURI().getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** An integer query parameter in {@code min..max}, or {@code absent}. */
    long queryLong(String name, long min, long max, long absent) {
        String v = query(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the refusal
        }
        throw ApiException.badRequest(name + ": expected an integer in " + min + ".." + max + ", got \"" + v + "\"");
    }

    /** Refuses the request with 405 unless its method is one of {@code allowed}. */
    void allow(String... allowed) {
        for (String m : allowed) {
            if (m.equals(method())) {
                return;
            }
        }
        throw ApiException.methodNotAllowed(method(), String.join(", ", allowed));
    }

    /** The JSON object body; 415 unless sent as JSON, 413 over the size bound, 400 unless an object. */
    JsonNode body() throws IOException {
        String type = http.getRequestHeaders().getFirst("Content-Type");
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json") && !mime.equals("application/merge-patch+json")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE",
                    "send the body as Content-Type: application/json" + (type == null ? "" : ", not " + type));
        }
        String length = http.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19
                && Long.parseLong(length) > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = http.getRequestBody()) {
            bytes = in.readNBytes(maxBodyBytes + 1);
        }
        if (bytes.length > maxBodyBytes) {
            throw tooLarge();
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JacksonException e) {
            // the parser's own words, without its notes on where the source is kept
            String why = e.getOriginalMessage().lines().findFirst().orElse("").replaceAll("\\s*\\[Source:.*$", "");
            throw ApiException.badRequest("malformed JSON: " + why + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the body must be one JSON object");
        }
        return node;
    }

    private ApiException tooLarge() {
        return new ApiException(413, "PAYLOAD_TOO_LARGE", "request body over " + maxBodyBytes + " bytes");
    }

    void header(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    void json(int status, JsonNode body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        http.getResponseHeaders().set("Content-Type", "application/json");
        http.getResponseHeaders().set("Cache-Control", "no-store");
        http.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        http.sendResponseHeaders(status, bytes.length + 1L);
        http.getResponseBody().write(bytes);
        http.getResponseBody().write('\n');
    }

    void noContent() throws IOException {
        http.sendResponseHeaders(204, -1);
    }
}
