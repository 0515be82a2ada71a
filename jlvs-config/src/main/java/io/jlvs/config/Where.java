package io.jlvs.config;

import io.jlvs.config.model.RealServerDef;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where each built block came from, for the checks made once the whole file is read (keepalived prints
 * those without a line; jlvs knows it and says it): a definition (by identity) to its block's node.
 */
final class Where {
    private final Map<Object, Node> nodes = new IdentityHashMap<>();
    private final Set<Node> realServersPlaced = Collections.newSetFromMap(new IdentityHashMap<>());

    <T> T put(T def, Node n) {
        if (def != null) {
            nodes.put(def, n);
        }
        return def;
    }

    /** Reports the next problems at the line of the block {@code def} was built from (else at no line). */
    void at(ProblemLog log, Object def) {
        Node n = nodes.get(def);
        if (n == null) {
            log.global();
        } else {
            log.at(n.file(), n.line(), n.name());
        }
    }

    /**
     * Reports the next problems at the real_server line of {@code vsDef}'s block that {@code rs} was built
     * from (the next one with its address and port: real servers are placed in order, so a duplicate is
     * placed at its own line), else at the virtual_server line.
     */
    void atRealServer(ProblemLog log, Object vsDef, RealServerDef rs) {
        Node vs = nodes.get(vsDef);
        if (vs != null) {
            for (Node c : vs.children()) {
                if (c.name().equals("real_server") && rs.address().equals(Values.ip(c.arg(0)))
                        && rs.port() == (c.arg(1) == null ? 0 : Values.port(c.arg(1)))
                        && realServersPlaced.add(c)) {
                    log.at(c.file(), c.line(), c.name());
                    return;
                }
            }
        }
        at(log, vsDef);
    }
}
