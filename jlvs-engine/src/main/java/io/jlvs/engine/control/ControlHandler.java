package io.jlvs.engine.control;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request line against an {@link IpvsControl}: decodes it, calls the table, encodes the
 * response. Never throws for bad input; every refusal is an {@code {"ok":false}} response. Thread-safe
 * when the control is.
 */
public final class ControlHandler {
    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);

    private final IpvsControl control;
    private final ObjectMapper mapper;
    private final long pid;

    public ControlHandler(IpvsControl control, ObjectMapper mapper, long pid) {
        this.control = control;
        this.mapper = mapper;
        this.pid = pid;
    }

    /** The response to one request line (without its newline). */
    public ObjectNode handle(byte[] line) {
        JsonNode request;
        try {
            request = mapper.readTree(line);
        } catch (JacksonException e) {
            return error(ProtocolError.BAD_REQUEST.name(), "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return error(ProtocolError.BAD_REQUEST.name(), "unreadable request: " + e.getMessage());
        }
        if (request == null || !request.isObject()) {
            return error(ProtocolError.BAD_REQUEST.name(), "a request is one JSON object per line");
        }
        JsonNode v = request.get("v");
        if (v == null || !v.isIntegralNumber() || v.longValue() != ControlProtocol.VERSION) {
            return error(ProtocolError.UNSUPPORTED_VERSION.name(), "protocol version " + (v == null ? "missing" : v)
                    + " not supported; this daemon speaks \"v\":" + ControlProtocol.VERSION);
        }
        JsonNode op = request.get("op");
        if (op == null || !op.isTextual()) {
            return error(ProtocolError.BAD_REQUEST.name(), "op: missing or not a string");
        }
        try {
            return dispatch(op.textValue(), request);
        } catch (IllegalArgumentException e) {
            return error(ProtocolError.BAD_REQUEST.name(), e.getMessage());
        }
    }

    private ObjectNode dispatch(String op, JsonNode request) {
        switch (op) {
            case ControlProtocol.OP_PING -> {
                ObjectNode ok = ok();
                ok.put("protocol", ControlProtocol.VERSION);
                ok.put("pid", pid);
                return ok;
            }
            case ControlProtocol.OP_TABLE -> {
                return call(op, () -> ok().set("table", IpvsJson.write(control.table())));
            }
            case ControlProtocol.OP_CONNECTIONS -> {
                return call(op, () -> ok().set("connections", IpvsJson.writeConnections(control.connections())));
            }
            case ControlProtocol.OP_SYNC_DAEMONS -> {
                return call(op, () -> ok().set("daemons", IpvsJson.writeSyncDaemons(control.syncDaemons())));
            }
            default -> {
                if (!IpvsJson.COMMAND_OPS.contains(op)) {
                    return error(ProtocolError.UNKNOWN_OP.name(), "unknown op \"" + op + "\"");
                }
                IpvsCommand command = IpvsJson.command(op, request);
                return call(op, () -> {
                    control.execute(command);
                    return ok();
                });
            }
        }
    }

    private ObjectNode call(String op, Call call) {
        try {
            return call.run();
        } catch (IpvsException e) {
            return error(e.error().name(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("control request {} failed", op, e);
            return error(ProtocolError.INTERNAL.name(), op + " failed: " + e);
        }
    }

    private ObjectNode ok() {
        ObjectNode o = mapper.createObjectNode();
        o.put("v", ControlProtocol.VERSION);
        o.put("ok", true);
        return o;
    }

    /** An {@code {"ok":false}} response. */
    public ObjectNode error(String error, String message) {
        ObjectNode o = mapper.createObjectNode();
        o.put("v", ControlProtocol.VERSION);
        o.put("ok", false);
        o.put("error", error);
        o.put("message", message);
        return o;
    }

    private interface Call {
        ObjectNode run() throws IpvsException, IOException;
    }
}
