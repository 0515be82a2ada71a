package io.jlvs.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.jlvs.core.command.IpvsException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes /api/v1/{resource}/... to its {@link ApiResource}, checks the bearer token on mutations, and
 * turns every refusal into a JSON error: never a stack trace.
 */
final class ApiHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    private static final Set<String> READS = Set.of("GET");
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Map<String, ApiResource> resources;
    private final AdminToken token;
    private final ObjectMapper mapper;
    private final int maxBodyBytes;

    ApiHandler(Map<String, ApiResource> resources, AdminToken token, ObjectMapper mapper, int maxBodyBytes) {
        this.resources = Map.copyOf(resources);
        this.token = token;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try (http) {
            ApiExchange ex = new ApiExchange(http, mapper, maxBodyBytes);
            try {
                serve(ex, http);
            } catch (ApiException e) {
                if (e.allow() != null) {
                    ex.header("Allow", e.allow());
                }
                if (e.status() == 413) {
                    // the rest of the body is not read: this connection cannot carry another request
                    ex.header("Connection", "close");
                }
                if (e.status() == 401) {
                    ex.header("WWW-Authenticate", "Bearer realm=\"jlvs\"");
                }
                error(ex, e.status(), e.error(), e.getMessage());
            } catch (IpvsException e) {
                error(ex, status(e), e.error().name(), e.getMessage());
            } catch (IllegalArgumentException e) {
                error(ex, 400, "BAD_REQUEST", e.getMessage());
            } catch (IOException e) {
                log.warn("admin API {} {} failed", http.getRequestMethod(), http.getRequestURI(), e);
                try {
                    error(ex, 500, "INTERNAL", "the request failed inside the daemon (logged): " + e.getMessage());
                } catch (IOException | RuntimeException again) {
                    log.debug("could not answer {} {}", http.getRequestMethod(), http.getRequestURI(), again);
                }
            } catch (RuntimeException e) {
                log.warn("admin API {} {} failed", http.getRequestMethod(), http.getRequestURI(), e);
                error(ex, 500, "INTERNAL", "the request failed inside the daemon (logged): " + e.getClass().getSimpleName());
            }
        }
    }

    private void serve(ApiExchange ex, HttpExchange http) throws IOException, IpvsException {
        String method = ex.method();
        if (!READS.contains(method) && !WRITES.contains(method)) {
            throw ApiException.methodNotAllowed(method, "GET, POST, PUT, PATCH, DELETE");
        }
        if (WRITES.contains(method)) {
            if (token == null) {
                throw new ApiException(403, "READ_ONLY",
                        "this API is read-only: the daemon was started without an admin token file");
            }
            if (!token.accepts(http.getRequestHeaders().getFirst("Authorization"))) {
                throw new ApiException(401, "UNAUTHORIZED", "send Authorization: Bearer <token> to change the table");
            }
        }
        ApiResource r = ex.path().isEmpty() ? null : resources.get(ex.path().getFirst());
        if (r == null) {
            throw ApiException.notFound("no resource " + ApiExchange.PREFIX + "/" + String.join("/", ex.path())
                    + "; see docs/api.md");
        }
        r.handle(ex);
    }

    static int status(IpvsException e) {
        return switch (e.error()) {
            case SERVICE_EXISTS, DESTINATION_EXISTS -> 409;
            case NO_SUCH_SERVICE, NO_SUCH_DESTINATION -> 404;
            case SCHEDULER_NOT_FOUND, INVALID, OUT_OF_RANGE, NO_SUCH_DEVICE -> 400;
            case NO_MEMORY -> 507;
        };
    }

    private void error(ApiExchange ex, int status, String error, String message) throws IOException {
        ObjectNode o = mapper.createObjectNode();
        o.put("error", error);
        o.put("message", message);
        ex.json(status, o);
    }
}
