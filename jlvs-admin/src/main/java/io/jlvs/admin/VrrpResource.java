package io.jlvs.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.vrrp.codec.VrrpDropReason;
import io.jlvs.vrrp.runtime.VrrpInstanceCounters;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import java.io.IOException;
import java.util.List;

/** GET /vrrp: every running vrrp_instance; GET /vrrp/NAME: one. */
final class VrrpResource implements ApiResource {
    private final VrrpSource source;

    VrrpResource(VrrpSource source) {
        this.source = source;
    }

    @Override
    public void handle(ApiExchange ex) throws IOException {
        ex.allow("GET");
        List<VrrpInstanceView> all = source.get();
        if (ex.path().size() == 1) {
            ObjectNode o = ex.mapper().createObjectNode();
            ArrayNode list = o.putArray("instances");
            all.forEach(v -> list.add(json(list.objectNode(), v)));
            ex.json(200, o);
        } else if (ex.path().size() == 2) {
            String name = ex.path().get(1);
            VrrpInstanceView v = all.stream().filter(x -> x.status().name().equals(name)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no vrrp_instance " + name));
            ex.json(200, json(ex.mapper().createObjectNode(), v));
        } else {
            throw ApiException.notFound("no resource under /vrrp/" + ex.path().get(1));
        }
    }

    static ObjectNode json(ObjectNode o, VrrpInstanceView v) {
        VrrpInstanceStatus s = v.status();
        o.put("name", s.name());
        o.put("interface", s.interfaceName());
        o.put("vrid", s.vrid());
        o.put("state", s.state().name());
        o.put("priority", s.basePriority());
        o.put("effectivePriority", s.effectivePriority());
        if (s.masterAddress() == null) {
            o.putNull("master");
        } else {
            o.put("master", s.masterAddress().toString());
        }
        ArrayNode vips = o.putArray("virtualAddresses");
        for (VirtualIpAddress a : v.virtualAddresses()) {
            ObjectNode n = vips.addObject();
            n.put("address", a.address().toString());
            n.put("prefixLength", a.prefixLength());
            n.put("device", a.deviceOr(s.interfaceName()));
            if (a.label() != null) {
                n.put("label", a.label());
            }
        }
        if (s.lastTransition() == null) {
            o.putNull("lastTransition");
        } else {
            o.put("lastTransition", s.lastTransition().toString());
        }
        VrrpInstanceCounters c = s.counters();
        ObjectNode cn = o.putObject("counters");
        cn.put("advertsSent", c.advertsSent());
        cn.put("advertsReceived", c.advertsReceived());
        cn.put("priorityZeroSent", c.priorityZeroSent());
        cn.put("priorityZeroReceived", c.priorityZeroReceived());
        cn.put("transitions", c.transitions());
        cn.put("becameMaster", c.becameMaster());
        ObjectNode drops = cn.putObject("dropped");
        for (VrrpDropReason r : VrrpDropReason.values()) {
            if (c.dropped(r) > 0) {
                drops.put(r.name(), c.dropped(r));
            }
        }
        return o;
    }
}
