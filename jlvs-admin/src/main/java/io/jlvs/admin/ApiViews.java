package io.jlvs.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.control.IpvsJson;
import java.io.IOException;
import java.util.Optional;

/**
 * The JSON of services and servers as the API returns them: IpvsJson's form plus each one's {@code id}, real
 * servers in the order {@code jlvsadm -Ln} lists them ({@link io.jlvs.core.view.IpvsadmOrder}).
 */
final class ApiViews {
    private ApiViews() {
    }

    static ObjectNode service(VirtualServiceView v) {
        ObjectNode o = IpvsJson.write(v);
        ObjectNode out = o.objectNode();
        out.put("id", ServiceId.of(v.service().key()));
        out.setAll(o);
        ArrayNode servers = out.putArray("realServers");
        v.realServersInListingOrder().forEach(rs -> servers.add(server(rs)));
        return out;
    }

    static ObjectNode server(RealServerView v) {
        ObjectNode o = IpvsJson.write(v);
        ObjectNode out = o.objectNode();
        out.put("id", ServiceId.of(v.server()));
        out.setAll(o);
        return out;
    }

    static Optional<VirtualServiceView> find(IpvsControl control, VirtualServiceKey key) throws IOException {
        for (VirtualServiceView v : control.table().services()) {
            if (v.service().key().equals(key)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    static VirtualServiceView require(IpvsControl control, VirtualServiceKey key) throws IOException {
        return find(control, key).orElseThrow(() -> ApiException.notFound("no service " + ServiceId.of(key)));
    }
}
