package io.jlvs.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.engine.control.IpvsJson;
import java.io.IOException;
import java.util.List;

/** GET /connections?offset=&amp;limit=: the connection table (-Lc), one page at a time. */
final class ConnectionsResource implements ApiResource {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final IpvsControl control;

    ConnectionsResource(IpvsControl control) {
        this.control = control;
    }

    @Override
    public void handle(ApiExchange ex) throws IOException {
        if (ex.path().size() != 1) {
            throw ApiException.notFound("no resource under /connections");
        }
        ex.allow("GET");
        int offset = (int) ex.queryLong("offset", 0, Integer.MAX_VALUE, 0);
        int limit = (int) ex.queryLong("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        List<ConnectionView> all = control.connections();
        ObjectNode o = ex.mapper().createObjectNode();
        o.put("total", all.size());
        o.put("offset", offset);
        o.put("limit", limit);
        ArrayNode page = o.putArray("connections");
        for (int i = offset; i < all.size() && i < (long) offset + limit; i++) {
            page.add(IpvsJson.write(all.get(i)));
        }
        ex.json(200, o);
    }
}
