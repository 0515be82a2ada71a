package io.jlvs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.IpAddress;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.control.IpvsJson;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * /services/{id}/servers[/{server}[/drain]]: list, add (-a), show, replace (-e), patch some fields
 * (-e keeping the rest), drain (weight 0), delete (-d).
 */
final class ServersResource {
    private final IpvsControl control;
    private final EventLog events;

    ServersResource(IpvsControl control, EventLog events) {
        this.control = control;
        this.events = events;
    }

    void handle(ApiExchange ex, VirtualServiceKey key) throws IOException, IpvsException {
        List<String> path = ex.path();
        if (path.size() == 3) {
            collection(ex, key);
            return;
        }
        ServiceId.Endpoint ep = ServiceId.parseServer(path.get(3));
        if (path.size() == 4) {
            one(ex, key, ep);
        } else if (path.size() == 5 && path.get(4).equals("drain")) {
            ex.allow("POST");
            RealServer current = require(key, ep).server();
            edit(ex, key, current.withWeight(0), "drained");
        } else {
            throw ApiException.notFound("no resource " + String.join("/", path.subList(4, path.size()))
                    + " under a real server; see docs/api.md");
        }
    }

    private void collection(ApiExchange ex, VirtualServiceKey key) throws IOException, IpvsException {
        ex.allow("GET", "POST");
        if (ex.method().equals("GET")) {
            VirtualServiceView v = ApiViews.require(control, key);
            ObjectNode o = ex.mapper().createObjectNode();
            ArrayNode list = o.putArray("servers");
            v.realServersInListingOrder().forEach(r -> list.add(ApiViews.server(r)));
            ex.json(200, o);
            return;
        }
        RealServer r = IpvsJson.readRealServer(ex.body());
        control.execute(new IpvsCommand.AddServer(key, r));
        String id = ServiceId.of(r);
        events.record(EventLog.CONFIG, "API: added real server " + id + " to " + ServiceId.of(key)
                + " (weight " + r.weight() + ")");
        ex.header("Location", ApiExchange.PREFIX + "/services/" + ServiceId.of(key) + "/servers/" + id);
        ex.json(201, ApiViews.server(require(key, new ServiceId.Endpoint(r.address(), r.port()))));
    }

    private void one(ApiExchange ex, VirtualServiceKey key, ServiceId.Endpoint ep) throws IOException, IpvsException {
        ex.allow("GET", "PUT", "PATCH", "DELETE");
        switch (ex.method()) {
            case "GET" -> ex.json(200, ApiViews.server(require(key, ep)));
            case "PUT" -> {
                ObjectNode body = (ObjectNode) ex.body();
                sameEndpoint(body, ep);
                edit(ex, key, IpvsJson.readRealServer(body), "replaced");
            }
            case "PATCH" -> {
                JsonNode patch = ex.body();
                sameEndpoint(patch, ep);
                ObjectNode merged = IpvsJson.write(require(key, ep).server());
                for (Map.Entry<String, JsonNode> f : patch.properties()) {
                    if (f.getValue().isNull()) {
                        merged.remove(f.getKey());
                    } else {
                        merged.set(f.getKey(), f.getValue());
                    }
                }
                edit(ex, key, IpvsJson.readRealServer(merged), "patched");
            }
            default -> {
                require(key, ep);
                control.execute(new IpvsCommand.DeleteServer(key, ep.address(), ep.port()));
                events.record(EventLog.CONFIG, "API: removed real server " + ep + " from " + ServiceId.of(key));
                ex.noContent();
            }
        }
    }

    private void edit(ApiExchange ex, VirtualServiceKey key, RealServer r, String verb)
            throws IOException, IpvsException {
        control.execute(new IpvsCommand.EditServer(key, r));
        events.record(EventLog.CONFIG, "API: " + verb + " real server " + ServiceId.of(r) + " of "
                + ServiceId.of(key) + " (weight " + r.weight() + ")");
        ex.json(200, ApiViews.server(require(key, new ServiceId.Endpoint(r.address(), r.port()))));
    }

    /** Fills in address and port from the URL, or refuses a body that names another server. */
    private static void sameEndpoint(JsonNode body, ServiceId.Endpoint ep) {
        ObjectNode o = (ObjectNode) body;
        JsonNode a = o.get("address");
        boolean otherAddress = a != null && !a.isNull() && !(a.isTextual() && IpAddress.isLiteral(a.textValue())
                && IpAddress.parse(a.textValue()).equals(ep.address()));
        JsonNode p = o.get("port");
        boolean otherPort = p != null && !p.isNull() && !(p.isIntegralNumber() && p.longValue() == ep.port());
        if (otherAddress || otherPort) {
            String named = otherAddress && otherPort ? "real server " + a + " port " + p
                    : otherAddress ? "address " + a : "port " + p;
            throw ApiException.badRequest("the body names " + named + " but the URL names " + ep
                    + "; a real server's address and port cannot change (delete it and add the new one)");
        }
        o.set("address", IpvsJson.write(ep.address()));
        o.set("port", IntNode.valueOf(ep.port()));
    }

    private RealServerView require(VirtualServiceKey key, ServiceId.Endpoint ep) throws IOException {
        VirtualServiceView v = ApiViews.require(control, key);
        for (RealServerView r : v.realServers()) {
            if (r.server().sameEndpoint(ep.address(), ep.port())) {
                return r;
            }
        }
        throw ApiException.notFound("no real server " + ep + " in service " + ServiceId.of(key));
    }
}
