package io.jlvs.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** GET /events?after=SEQ: the recent events newer than SEQ (all held ones without it), oldest first. */
final class EventsResource implements ApiResource {
    private final EventLog events;

    EventsResource(EventLog events) {
        this.events = events;
    }

    @Override
    public void handle(ApiExchange ex) throws IOException {
        if (ex.path().size() != 1) {
            throw ApiException.notFound("no resource under /events");
        }
        ex.allow("GET");
        long after = ex.queryLong("after", 0, Long.MAX_VALUE, 0);
        ObjectNode o = ex.mapper().createObjectNode();
        o.put("last", events.lastSeq());
        ArrayNode list = o.putArray("events");
        for (AdminEvent e : events.since(after)) {
            ObjectNode n = list.addObject();
            n.put("seq", e.seq());
            n.put("time", e.time().toString());
            n.put("kind", e.kind());
            n.put("message", e.message());
        }
        ex.json(200, o);
    }
}
