package io.jlvs.engine.keepalived;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Maps a parsed keepalived.conf onto the IPVS services it asks for, block by block. */
final class ConfigMapping {

    private ConfigMapping() {
    }

    /**
     * The blocks of {@code config} in file order. A service named by two blocks is kept in the first one;
     * a block left with no service (an empty group) is dropped; both are reported to {@code warn}.
     */
    static List<ServiceBlock> blocks(KeepalivedConfig config, Consumer<String> warn) {
        Set<VirtualServiceKey> seen = new HashSet<>();
        Map<String, ServiceBlock> out = new LinkedHashMap<>();
        for (VirtualServerDef def : config.virtualServers()) {
            String id = id(def);
            if (out.containsKey(id)) {
                warn.accept("virtual server " + id + " defined twice - ignoring the second one");
                continue;
            }
            List<VirtualService> services = new ArrayList<>();
            for (VirtualService vs : def.toVirtualServices(config.virtualServerGroups())) {
                if (seen.add(vs.key())) {
                    services.add(vs);
                } else {
                    warn.accept("virtual server " + vs.key() + " of " + id + " is already configured - ignoring it");
                }
            }
            if (services.isEmpty()) {
                warn.accept("virtual server " + id + " has no service (empty or unknown group) - ignoring it");
                continue;
            }
            out.put(id, new ServiceBlock(id, def, services));
        }
        return List.copyOf(out.values());
    }

    private static String id(VirtualServerDef def) {
        return def.address() + (def.protocol() == null ? "" : " " + def.protocol().lowerName())
                + (def.ipFamily() == null ? "" : " " + def.ipFamily());
    }
}
