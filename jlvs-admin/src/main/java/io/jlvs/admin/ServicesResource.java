package io.jlvs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.control.IpvsJson;
import java.io.IOException;
import java.util.List;

/**
 * /services and /services/{id}: list, add (-A), show, edit (-E), delete (-D). /services/{id}/servers/...
 * goes on to {@link ServersResource}.
 */
final class ServicesResource implements ApiResource {
    private final IpvsControl control;
    private final EventLog events;
    private final ServersResource servers;

    ServicesResource(IpvsControl control, EventLog events) {
        this.control = control;
        this.events = events;
        this.servers = new ServersResource(control, events);
    }

    @Override
    public void handle(ApiExchange ex) throws IOException, IpvsException {
        List<String> path = ex.path();
        if (path.size() == 1) {
            collection(ex);
            return;
        }
        VirtualServiceKey key = ServiceId.parseService(path.get(1));
        if (path.size() == 2) {
            one(ex, key);
        } else if (path.get(2).equals("servers")) {
            servers.handle(ex, key);
        } else {
            throw ApiException.notFound("no resource " + path.get(2) + " under a service; see docs/api.md");
        }
    }

    private void collection(ApiExchange ex) throws IOException, IpvsException {
        ex.allow("GET", "POST");
        if (ex.method().equals("GET")) {
            ObjectNode o = ex.mapper().createObjectNode();
            ArrayNode list = o.putArray("services");
            control.table().services().forEach(v -> list.add(ApiViews.service(v)));
            ex.json(200, o);
            return;
        }
        VirtualService s = IpvsJson.readVirtualService(ex.body());
        control.execute(new IpvsCommand.AddService(s));
        String id = ServiceId.of(s.key());
        events.record(EventLog.CONFIG, "API: added service " + id + " (scheduler " + s.scheduler() + ")");
        ex.header("Location", ApiExchange.PREFIX + "/services/" + id);
        ex.json(201, ApiViews.service(ApiViews.require(control, s.key())));
    }

    private void one(ApiExchange ex, VirtualServiceKey key) throws IOException, IpvsException {
        ex.allow("GET", "PUT", "DELETE");
        String id = ServiceId.of(key);
        switch (ex.method()) {
            case "GET" -> ex.json(200, ApiViews.service(ApiViews.require(control, key)));
            case "PUT" -> {
                JsonNode body = ex.body();
                if (body.hasNonNull("key")) {
                    VirtualServiceKey given = IpvsJson.readVirtualServiceKey(body.get("key"));
                    if (!given.equals(key)) {
                        throw ApiException.badRequest("key: the body names " + ServiceId.of(given)
                                + " but the URL names " + id + "; a service's key cannot change (delete and add)");
                    }
                } else {
                    ((ObjectNode) body).set("key", IpvsJson.write(key));
                }
                VirtualService s = IpvsJson.readVirtualService(body);
                control.execute(new IpvsCommand.EditService(s));
                events.record(EventLog.CONFIG, "API: edited service " + id + " (scheduler " + s.scheduler() + ")");
                VirtualServiceView v = ApiViews.require(control, key);
                ex.json(200, ApiViews.service(v));
            }
            default -> {
                control.execute(new IpvsCommand.DeleteService(key));
                events.record(EventLog.CONFIG, "API: deleted service " + id);
                ex.noContent();
            }
        }
    }
}
