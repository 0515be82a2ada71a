package io.jlvs.admin;

import java.io.IOException;

/** GET /health: 200 {"status":"ok"} while the daemon serves requests. */
final class HealthResource implements ApiResource {
    @Override
    public void handle(ApiExchange ex) throws IOException {
        if (ex.path().size() != 1) {
            throw ApiException.notFound("no resource under /health");
        }
        ex.allow("GET");
        ex.json(200, ex.mapper().createObjectNode().put("status", "ok"));
    }
}
