package io.jlvs.engine.control;

import static io.jlvs.engine.control.JsonInput.address;
import static io.jlvs.engine.control.JsonInput.array;
import static io.jlvs.engine.control.JsonInput.bool;
import static io.jlvs.engine.control.JsonInput.enumNamed;
import static io.jlvs.engine.control.JsonInput.enumValue;
import static io.jlvs.engine.control.JsonInput.has;
import static io.jlvs.engine.control.JsonInput.integer;
import static io.jlvs.engine.control.JsonInput.object;
import static io.jlvs.engine.control.JsonInput.optionalInteger;
import static io.jlvs.engine.control.JsonInput.optionalText;
import static io.jlvs.engine.control.JsonInput.path;
import static io.jlvs.engine.control.JsonInput.port;
import static io.jlvs.engine.control.JsonInput.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.VirtualServiceView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The JSON form of the IPVS values, shared by the control socket and the REST API. Written by hand, field
 * by field, so the wire format is exactly what docs/control-protocol.md says: addresses as their text,
 * enums by name, optional fields left out when unset. Readers refuse bad input with an
 * {@link IllegalArgumentException} that names the offending field.
 */
public final class IpvsJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private IpvsJson() {
    }

    // ---- addresses and keys ------------------------------------------------------------------------------

    public static JsonNode write(IpAddress address) {
        return TextNode.valueOf(address.toString());
    }

    public static ObjectNode write(VirtualServiceKey key) {
        ObjectNode o = NODES.objectNode();
        switch (key) {
            case InetServiceKey k -> {
                o.put("protocol", k.protocol().name());
                o.put("address", k.address().toString());
                o.put("port", k.port());
            }
            case FwmarkServiceKey k -> {
                o.put("fwmark", Integer.toUnsignedLong(k.fwmark()));
                o.put("family", k.family().name());
            }
        }
        return o;
    }

    public static VirtualServiceKey readVirtualServiceKey(JsonNode node) {
        return key(node, "");
    }

    static VirtualServiceKey key(JsonNode node, String where) {
        object(node, where);
        if (has(node, "fwmark")) {
            int mark = (int) integer(node, "fwmark", where, 1, 0xffffffffL);
            return new FwmarkServiceKey(mark, has(node, "family")
                    ? enumValue(node, "family", where, AddressFamily.class) : AddressFamily.INET);
        }
        return new InetServiceKey(enumValue(node, "protocol", where, Protocol.class),
                address(node, "address", where), port(node, "port", where));
    }

    // ---- services and servers ----------------------------------------------------------------------------

    public static ObjectNode write(VirtualService service) {
        ObjectNode o = NODES.objectNode();
        o.set("key", write(service.key()));
        o.put("scheduler", service.scheduler());
        ArrayNode flags = o.putArray("flags");
        service.schedFlags().forEach(f -> flags.add(f.name()));
        o.put("persistenceTimeout", service.persistenceTimeout());
        if (service.key().family() == AddressFamily.INET) {
            o.put("netmask", IpAddress.ofV4(service.netmask()).toString());
        } else {
            o.put("netmask", service.netmask());
        }
        o.put("onePacket", service.onePacket());
        if (service.persistenceEngine() != null) {
            o.put("persistenceEngine", service.persistenceEngine());
        }
        return o;
    }

    public static VirtualService readVirtualService(JsonNode node) {
        return service(node, "");
    }

    static VirtualService service(JsonNode node, String where) {
        object(node, where);
        VirtualServiceKey key = key(object(node, "key", where), path(where, "key"));
        Set<SchedFlag> flags = EnumSet.noneOf(SchedFlag.class);
        if (has(node, "flags")) {
            JsonNode list = array(node, "flags", where);
            for (int i = 0; i < list.size(); i++) {
                flags.add(enumNamed(list.get(i), path(where, "flags[" + i + "]"), SchedFlag.class));
            }
        }
        int netmask = VirtualService.defaultNetmask(key);
        if (has(node, "netmask")) {
            netmask = key.family() == AddressFamily.INET
                    ? netmaskV4(node, where)
                    : (int) integer(node, "netmask", where, 0, 128);
        }
        return new VirtualService(key,
                has(node, "scheduler") ? text(node, "scheduler", where) : VirtualService.DEFAULT_SCHEDULER,
                flags,
                (int) optionalInteger(node, "persistenceTimeout", where, 0, Integer.MAX_VALUE, 0),
                netmask,
                bool(node, "onePacket", where, false),
                optionalText(node, "persistenceEngine", where));
    }

    private static int netmaskV4(JsonNode node, String where) {
        IpAddress mask = address(node, "netmask", where);
        if (!mask.isV4()) {
            throw new IllegalArgumentException(path(where, "netmask") + ": expected an IPv4 netmask like 255.255.255.0");
        }
        return mask.v4();
    }

    public static ObjectNode write(RealServer server) {
        ObjectNode o = NODES.objectNode();
        o.put("address", server.address().toString());
        o.put("port", server.port());
        o.put("method", server.method().name());
        o.put("weight", server.weight());
        o.put("upperThreshold", server.upperThreshold());
        o.put("lowerThreshold", server.lowerThreshold());
        if (server.method() == ForwardingMethod.TUNNEL) {
            o.put("tunnelType", server.tunnelType().name());
            o.put("tunnelPort", server.tunnelPort());
            o.put("tunnelChecksum", server.tunnelChecksum().name());
        }
        return o;
    }

    public static RealServer readRealServer(JsonNode node) {
        return server(node, "");
    }

    static RealServer server(JsonNode node, String where) {
        object(node, where);
        return new RealServer(
                address(node, "address", where),
                port(node, "port", where),
                enumValue(node, "method", where, ForwardingMethod.class),
                (int) optionalInteger(node, "weight", where, 0, Integer.MAX_VALUE, RealServer.DEFAULT_WEIGHT),
                (int) optionalInteger(node, "upperThreshold", where, 0, Integer.MAX_VALUE, 0),
                (int) optionalInteger(node, "lowerThreshold", where, 0, Integer.MAX_VALUE, 0),
                has(node, "tunnelType") ? enumValue(node, "tunnelType", where, TunnelType.class) : null,
                (int) optionalInteger(node, "tunnelPort", where, 0, 65535, 0),
                has(node, "tunnelChecksum") ? enumValue(node, "tunnelChecksum", where, TunnelChecksum.class) : null);
    }

    // ---- counters ---------------------------------------------------------------------------------------

    public static ObjectNode write(StatsSample s) {
        ObjectNode o = NODES.objectNode();
        o.put("conns", s.conns());
        o.put("inPackets", s.inPackets());
        o.put("outPackets", s.outPackets());
        o.put("inBytes", s.inBytes());
        o.put("outBytes", s.outBytes());
        return o;
    }

    public static StatsSample readStatsSample(JsonNode node) {
        return stats(node, "");
    }

    static StatsSample stats(JsonNode n, String w) {
        object(n, w);
        return new StatsSample(counter(n, "conns", w), counter(n, "inPackets", w), counter(n, "outPackets", w),
                counter(n, "inBytes", w), counter(n, "outBytes", w));
    }

    public static ObjectNode write(RateSample r) {
        ObjectNode o = NODES.objectNode();
        o.put("cps", r.cps());
        o.put("inPps", r.inPps());
        o.put("outPps", r.outPps());
        o.put("inBps", r.inBps());
        o.put("outBps", r.outBps());
        return o;
    }

    public static RateSample readRateSample(JsonNode node) {
        return rates(node, "");
    }

    static RateSample rates(JsonNode n, String w) {
        object(n, w);
        return new RateSample(counter(n, "cps", w), counter(n, "inPps", w), counter(n, "outPps", w),
                counter(n, "inBps", w), counter(n, "outBps", w));
    }

    /** Counters are unsigned 64-bit in the kernel; ours stay below 2^63. */
    private static long counter(JsonNode n, String field, String where) {
        return integer(n, field, where, 0, Long.MAX_VALUE);
    }

    // ---- views -----------------------------------------------------------------------------------------

    public static ObjectNode write(RealServerView v) {
        ObjectNode o = NODES.objectNode();
        o.set("server", write(v.server()));
        o.put("activeConns", v.activeConns());
        o.put("inactiveConns", v.inactiveConns());
        o.put("persistConns", v.persistConns());
        o.set("stats", write(v.stats()));
        o.set("rates", write(v.rates()));
        return o;
    }

    public static RealServerView readRealServerView(JsonNode node) {
        return serverView(node, "");
    }

    static RealServerView serverView(JsonNode n, String w) {
        object(n, w);
        return new RealServerView(server(object(n, "server", w), path(w, "server")),
                (int) integer(n, "activeConns", w, 0, Integer.MAX_VALUE),
                (int) integer(n, "inactiveConns", w, 0, Integer.MAX_VALUE),
                (int) integer(n, "persistConns", w, 0, Integer.MAX_VALUE),
                stats(object(n, "stats", w), path(w, "stats")),
                rates(object(n, "rates", w), path(w, "rates")));
    }

    public static ObjectNode write(VirtualServiceView v) {
        ObjectNode o = NODES.objectNode();
        o.set("service", write(v.service()));
        o.set("stats", write(v.stats()));
        o.set("rates", write(v.rates()));
        ArrayNode servers = o.putArray("realServers");
        v.realServers().forEach(rs -> servers.add(write(rs)));
        return o;
    }

    public static VirtualServiceView readVirtualServiceView(JsonNode node) {
        return serviceView(node, "");
    }

    static VirtualServiceView serviceView(JsonNode n, String w) {
        object(n, w);
        return new VirtualServiceView(service(object(n, "service", w), path(w, "service")),
                stats(object(n, "stats", w), path(w, "stats")),
                rates(object(n, "rates", w), path(w, "rates")),
                list(n, "realServers", w, IpvsJson::serverView));
    }

    public static ObjectNode write(Timeouts t) {
        ObjectNode o = NODES.objectNode();
        o.put("tcp", t.tcp());
        o.put("tcpFin", t.tcpFin());
        o.put("udp", t.udp());
        return o;
    }

    public static Timeouts readTimeouts(JsonNode node) {
        return timeouts(node, "");
    }

    static Timeouts timeouts(JsonNode n, String w) {
        object(n, w);
        return new Timeouts((int) integer(n, "tcp", w, 0, Integer.MAX_VALUE),
                (int) integer(n, "tcpFin", w, 0, Integer.MAX_VALUE),
                (int) integer(n, "udp", w, 0, Integer.MAX_VALUE));
    }

    public static ObjectNode write(IpvsTableView t) {
        ObjectNode o = NODES.objectNode();
        o.put("connTableSize", t.connTableSize());
        ArrayNode services = o.putArray("services");
        t.services().forEach(s -> services.add(write(s)));
        o.set("timeouts", write(t.timeouts()));
        o.set("totals", write(t.totals()));
        return o;
    }

    public static IpvsTableView readTableView(JsonNode node) {
        return table(node, "");
    }

    static IpvsTableView table(JsonNode n, String w) {
        object(n, w);
        return new IpvsTableView((int) integer(n, "connTableSize", w, 0, Integer.MAX_VALUE),
                list(n, "services", w, IpvsJson::serviceView),
                timeouts(object(n, "timeouts", w), path(w, "timeouts")),
                n.has("totals") ? stats(object(n, "totals", w), path(w, "totals")) : null);
    }

    public static ObjectNode write(SyncDaemonView d) {
        ObjectNode o = NODES.objectNode();
        o.put("state", d.state());
        o.put("mcastInterface", d.mcastInterface());
        o.put("syncId", d.syncId());
        o.put("maxLen", d.maxLen());
        if (d.group() != null) {
            o.put("group", d.group());
        }
        o.put("port", d.port());
        o.put("ttl", d.ttl());
        return o;
    }

    public static SyncDaemonView readSyncDaemon(JsonNode node) {
        return syncDaemon(node, "");
    }

    static SyncDaemonView syncDaemon(JsonNode n, String w) {
        object(n, w);
        return new SyncDaemonView(text(n, "state", w), optionalText(n, "mcastInterface", w),
                (int) optionalInteger(n, "syncId", w, 0, 255, 0),
                (int) optionalInteger(n, "maxLen", w, 0, 65535, 0),
                optionalText(n, "group", w),
                (int) optionalInteger(n, "port", w, 0, 65535, 0),
                (int) optionalInteger(n, "ttl", w, 0, 255, 0));
    }

    public static ObjectNode write(ConnectionView c) {
        ObjectNode o = NODES.objectNode();
        if (c.protocol() != null) {
            o.put("protocol", c.protocol().name());
        }
        o.put("client", c.client().toString());
        o.put("clientPort", c.clientPort());
        o.put("virtualAddress", c.virtualAddress().toString());
        o.put("virtualPort", c.virtualPort());
        o.put("destination", c.destination().toString());
        o.put("destinationPort", c.destinationPort());
        o.put("state", c.state());
        o.put("expiresMillis", c.expiresMillis());
        o.put("template", c.template());
        if (c.peName() != null) {
            o.put("peName", c.peName());
        }
        if (c.peData() != null) {
            o.put("peData", c.peData());
        }
        return o;
    }

    public static ConnectionView readConnection(JsonNode node) {
        return connection(node, "");
    }

    static ConnectionView connection(JsonNode n, String w) {
        object(n, w);
        return new ConnectionView(
                has(n, "protocol") ? enumValue(n, "protocol", w, Protocol.class) : null,
                address(n, "client", w), port(n, "clientPort", w),
                address(n, "virtualAddress", w), port(n, "virtualPort", w),
                address(n, "destination", w), port(n, "destinationPort", w),
                text(n, "state", w),
                integer(n, "expiresMillis", w, 0, Long.MAX_VALUE),
                bool(n, "template", w, false),
                optionalText(n, "peName", w),
                optionalText(n, "peData", w));
    }

    // ---- lists -----------------------------------------------------------------------------------------

    public static ArrayNode writeConnections(List<ConnectionView> connections) {
        ArrayNode a = NODES.arrayNode();
        connections.forEach(c -> a.add(write(c)));
        return a;
    }

    public static ArrayNode writeSyncDaemons(List<SyncDaemonView> daemons) {
        ArrayNode a = NODES.arrayNode();
        daemons.forEach(d -> a.add(write(d)));
        return a;
    }

    static <T> List<T> list(JsonNode parent, String field, String where, Reader<T> reader) {
        JsonNode a = array(parent, field, where);
        List<T> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(reader.read(a.get(i), path(where, field + "[" + i + "]")));
        }
        return out;
    }

    /** Reads one value at a named place in the document. */
    interface Reader<T> {
        T read(JsonNode node, String where);
    }

    // ---- commands ----------------------------------------------------------------------------------------

    /** The op name a command travels under ({@code add-service}, {@code delete-server}, ...). */
    public static String op(IpvsCommand command) {
        return switch (command) {
            case IpvsCommand.AddService c -> "add-service";
            case IpvsCommand.EditService c -> "edit-service";
            case IpvsCommand.DeleteService c -> "delete-service";
            case IpvsCommand.Clear c -> "clear";
            case IpvsCommand.AddServer c -> "add-server";
            case IpvsCommand.EditServer c -> "edit-server";
            case IpvsCommand.DeleteServer c -> "delete-server";
            case IpvsCommand.Zero c -> "zero";
            case IpvsCommand.SetTimeouts c -> "set-timeouts";
            case IpvsCommand.StartDaemon c -> "start-daemon";
            case IpvsCommand.StopDaemon c -> "stop-daemon";
        };
    }

    /** Every command op name, in declaration order. */
    public static final List<String> COMMAND_OPS = List.of("add-service", "edit-service", "delete-service", "clear",
            "add-server", "edit-server", "delete-server", "zero", "set-timeouts", "start-daemon", "stop-daemon");

    /** {@code {"op":"add-server","key":{...},"server":{...}}}: the op and the command's fields. */
    public static ObjectNode write(IpvsCommand command) {
        ObjectNode o = NODES.objectNode();
        o.put("op", op(command));
        switch (command) {
            case IpvsCommand.AddService c -> o.set("service", write(c.service()));
            case IpvsCommand.EditService c -> o.set("service", write(c.service()));
            case IpvsCommand.DeleteService c -> o.set("key", write(c.key()));
            case IpvsCommand.Clear c -> { }
            case IpvsCommand.AddServer c -> {
                o.set("key", write(c.key()));
                o.set("server", write(c.server()));
            }
            case IpvsCommand.EditServer c -> {
                o.set("key", write(c.key()));
                o.set("server", write(c.server()));
            }
            case IpvsCommand.DeleteServer c -> {
                o.set("key", write(c.key()));
                o.put("address", c.address().toString());
                o.put("port", c.port());
            }
            case IpvsCommand.Zero c -> {
                if (c.key() != null) {
                    o.set("key", write(c.key()));
                }
            }
            case IpvsCommand.SetTimeouts c -> o.set("timeouts", write(c.timeouts()));
            case IpvsCommand.StartDaemon c -> o.set("daemon", write(c.daemon()));
            case IpvsCommand.StopDaemon c -> o.put("state", c.state());
        }
        return o;
    }

    /**
     * Reads a command from an object with an {@code op} field.
     *
     * @throws IllegalArgumentException on an unknown op or a bad field
     */
    public static IpvsCommand readCommand(JsonNode node) {
        object(node, "");
        return command(text(node, "op", ""), node);
    }

    /** Reads the command named {@code op} from the fields of {@code n}; unknown op: IllegalArgumentException. */
    static IpvsCommand command(String op, JsonNode n) {
        return switch (op) {
            case "add-service" -> new IpvsCommand.AddService(service(object(n, "service", ""), "service"));
            case "edit-service" -> new IpvsCommand.EditService(service(object(n, "service", ""), "service"));
            case "delete-service" -> new IpvsCommand.DeleteService(key(object(n, "key", ""), "key"));
            case "clear" -> new IpvsCommand.Clear();
            case "add-server" -> new IpvsCommand.AddServer(key(object(n, "key", ""), "key"),
                    server(object(n, "server", ""), "server"));
            case "edit-server" -> new IpvsCommand.EditServer(key(object(n, "key", ""), "key"),
                    server(object(n, "server", ""), "server"));
            case "delete-server" -> new IpvsCommand.DeleteServer(key(object(n, "key", ""), "key"),
                    address(n, "address", ""), port(n, "port", ""));
            case "zero" -> new IpvsCommand.Zero(has(n, "key") ? key(object(n, "key", ""), "key") : null);
            case "set-timeouts" -> new IpvsCommand.SetTimeouts(timeouts(object(n, "timeouts", ""), "timeouts"));
            case "start-daemon" -> new IpvsCommand.StartDaemon(syncDaemon(object(n, "daemon", ""), "daemon"));
            case "stop-daemon" -> new IpvsCommand.StopDaemon(text(n, "state", ""));
            default -> throw new IllegalArgumentException("unknown command op \"" + op + "\"");
        };
    }

    // ---- Jackson module ------------------------------------------------------------------------------

    /**
     * A Jackson module with these mappings, for an {@code ObjectMapper} that (de)serializes records holding
     * IPVS values (the REST API). Each type maps exactly as the static methods above.
     */
    public static SimpleModule module() {
        SimpleModule m = new SimpleModule("jlvs-ipvs");
        bind(m, IpAddress.class, IpvsJson::write, n -> {
            if (!n.isTextual()) {
                throw new IllegalArgumentException("expected an IP address string, got " + n);
            }
            return IpAddress.parse(n.textValue());
        });
        bind(m, VirtualServiceKey.class, IpvsJson::write, IpvsJson::readVirtualServiceKey);
        bind(m, InetServiceKey.class, IpvsJson::write, n -> inetKey(readVirtualServiceKey(n)));
        bind(m, FwmarkServiceKey.class, IpvsJson::write, n -> fwmarkKey(readVirtualServiceKey(n)));
        bind(m, VirtualService.class, IpvsJson::write, IpvsJson::readVirtualService);
        bind(m, RealServer.class, IpvsJson::write, IpvsJson::readRealServer);
        bind(m, StatsSample.class, IpvsJson::write, IpvsJson::readStatsSample);
        bind(m, RateSample.class, IpvsJson::write, IpvsJson::readRateSample);
        bind(m, RealServerView.class, IpvsJson::write, IpvsJson::readRealServerView);
        bind(m, VirtualServiceView.class, IpvsJson::write, IpvsJson::readVirtualServiceView);
        bind(m, Timeouts.class, IpvsJson::write, IpvsJson::readTimeouts);
        bind(m, IpvsTableView.class, IpvsJson::write, IpvsJson::readTableView);
        bind(m, SyncDaemonView.class, IpvsJson::write, IpvsJson::readSyncDaemon);
        bind(m, ConnectionView.class, IpvsJson::write, IpvsJson::readConnection);
        bind(m, IpvsCommand.class, IpvsJson::write, IpvsJson::readCommand);
        return m;
    }

    private static InetServiceKey inetKey(VirtualServiceKey k) {
        if (k instanceof InetServiceKey i) {
            return i;
        }
        throw new IllegalArgumentException("expected a protocol/address/port service, got " + k);
    }

    private static FwmarkServiceKey fwmarkKey(VirtualServiceKey k) {
        if (k instanceof FwmarkServiceKey f) {
            return f;
        }
        throw new IllegalArgumentException("expected a fwmark service, got " + k);
    }

    private static <T> void bind(SimpleModule m, Class<T> type, Function<? super T, JsonNode> writer,
                                 Function<JsonNode, ? extends T> reader) {
        m.addSerializer(type, new StdSerializer<T>(type) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeTree(writer.apply(value));
            }
        });
        m.addDeserializer(type, new StdDeserializer<T>(type) {
            private static final long serialVersionUID = 1L;

            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode node = p.readValueAsTree();
                try {
                    return reader.apply(node);
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage(), e);
                }
            }
        });
    }
}
