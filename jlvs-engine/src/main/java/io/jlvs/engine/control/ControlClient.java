package io.jlvs.engine.control;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsError;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link IpvsControl} over the control socket of a running daemon. One connection, opened by
 * {@link #connect(Path)}, used by one request at a time; after a transport failure the next call
 * reconnects. Refusals of the IPVS table come back as {@link IpvsException} with the daemon's error and
 * message; other refusals as {@link ControlProtocolException}.
 */
public final class ControlClient implements IpvsControl, AutoCloseable {
    private final Path path;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Guarded by this. */
    private SocketChannel channel;
    private LineReader reader;
    private OutputStream out;

    private ControlClient(Path path) {
        this.path = path;
    }

    /**
     * Connects to the daemon listening on {@code socket}.
     *
     * @throws IOException naming the path when nothing answers there
     */
    public static ControlClient connect(Path socket) throws IOException {
        ControlClient client = new ControlClient(socket);
        synchronized (client) {
            client.open();
        }
        return client;
    }

    public Path path() {
        return path;
    }

    /** Asks the daemon to answer; returns its process id. */
    public long ping() throws IOException {
        JsonNode r = call(request(ControlProtocol.OP_PING));
        return r.path("pid").asLong(-1);
    }

    @Override
    public void execute(IpvsCommand command) throws IpvsException, IOException {
        ObjectNode request = IpvsJson.write(command);
        request.put("v", ControlProtocol.VERSION);
        JsonNode r = exchange(request);
        if (!r.path("ok").asBoolean(false)) {
            String error = r.path("error").asText("");
            String message = r.path("message").asText("");
            for (IpvsError e : IpvsError.values()) {
                if (e.name().equals(error)) {
                    throw new IpvsException(e, message);
                }
            }
            throw refusal(r);
        }
    }

    @Override
    public IpvsTableView table() throws IOException {
        return decode(() -> IpvsJson.readTableView(call(request(ControlProtocol.OP_TABLE)).get("table")));
    }

    @Override
    public List<ConnectionView> connections() throws IOException {
        JsonNode r = call(request(ControlProtocol.OP_CONNECTIONS));
        return decode(() -> IpvsJson.list(r, "connections", "", IpvsJson::connection));
    }

    @Override
    public List<SyncDaemonView> syncDaemons() throws IOException {
        JsonNode r = call(request(ControlProtocol.OP_SYNC_DAEMONS));
        return decode(() -> IpvsJson.list(r, "daemons", "", IpvsJson::syncDaemon));
    }

    @Override
    public synchronized void close() {
        drop();
    }

    private ObjectNode request(String op) {
        ObjectNode o = mapper.createObjectNode();
        o.put("v", ControlProtocol.VERSION);
        o.put("op", op);
        return o;
    }

    /** Sends the request; returns the response when it says ok, else throws its refusal. */
    private JsonNode call(ObjectNode request) throws IOException {
        JsonNode r = exchange(request);
        if (!r.path("ok").asBoolean(false)) {
            throw refusal(r);
        }
        return r;
    }

    private ControlProtocolException refusal(JsonNode r) {
        return new ControlProtocolException(r.path("error").asText("UNKNOWN"),
                "the jlvs daemon refused the request: " + r.path("message").asText("(no message)"));
    }

    private synchronized JsonNode exchange(ObjectNode request) throws IOException {
        if (channel == null) {
            open();
        }
        byte[] line;
        try {
            byte[] body = mapper.writeValueAsBytes(request);
            byte[] framed = new byte[body.length + 1];
            System.arraycopy(body, 0, framed, 0, body.length);
            framed[body.length] = '\n';
            out.write(framed);
            line = reader.readLine();
        } catch (IOException e) {
            drop();
            throw new IOException("lost the connection to the jlvs daemon at " + path + ": " + e.getMessage(), e);
        }
        if (line == null) {
            drop();
            throw new IOException("the jlvs daemon at " + path + " closed the connection without answering");
        }
        try {
            JsonNode r = mapper.readTree(line);
            if (r == null || !r.isObject()) {
                throw new ControlProtocolException("BAD_RESPONSE", "the jlvs daemon sent a response that is not an object");
            }
            return r;
        } catch (JacksonException e) {
            drop();
            throw new ControlProtocolException("BAD_RESPONSE", "the jlvs daemon sent malformed JSON: "
                    + e.getOriginalMessage());
        }
    }

    private void open() throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            c.close();
            throw new IOException("cannot connect to the jlvs daemon at " + path + ": " + e.getMessage()
                    + " (is `jlvs run` running? set JLVS_SOCKET if it uses another socket)", e);
        }
        channel = c;
        reader = new LineReader(Channels.newInputStream(c), ControlProtocol.MAX_RESPONSE_BYTES);
        out = Channels.newOutputStream(c);
    }

    private void drop() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // dropping anyway
            }
        }
        channel = null;
        reader = null;
        out = null;
    }

    private <T> T decode(Decode<T> decode) throws IOException {
        try {
            return decode.run();
        } catch (IllegalArgumentException e) {
            throw new ControlProtocolException("BAD_RESPONSE", "the jlvs daemon sent an unreadable response: "
                    + e.getMessage());
        }
    }

    private interface Decode<T> {
        T run() throws IOException;
    }
}
