package io.jlvs.engine.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlvs.core.IpAddress;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsError;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.RealServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ControlServerTest {
    @TempDir
    Path dir;

    private final FakeIpvsControl fake = new FakeIpvsControl();
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private ControlServer start(Path socket) throws IOException {
        ControlServer server = ControlServer.start(socket, fake);
        toClose.add(server);
        return server;
    }

    private ControlClient client(Path socket) throws IOException {
        ControlClient client = ControlClient.connect(socket);
        toClose.add(client);
        return client;
    }

    @Test
    void queriesReturnWhatTheTableHolds() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        ControlClient client = client(socket);

        assertThat(client.table()).isEqualTo(Samples.table());
        assertThat(client.connections()).isEqualTo(Samples.connections());
        assertThat(client.syncDaemons()).containsExactly(Samples.MASTER, Samples.BACKUP);
        assertThat(client.ping()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void everyCommandArrivesAsSent() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        ControlClient client = client(socket);
        for (IpvsCommand c : Samples.commands()) {
            client.execute(c);
        }
        assertThat(fake.received).containsExactlyElementsOf(Samples.commands());
    }

    @Test
    void refusalsComeBackAsTheSameIpvsErrorAndMessage() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        ControlClient client = client(socket);
        for (IpvsError error : IpvsError.values()) {
            fake.refusal = new IpvsException(error, "refused: " + error.name().toLowerCase());
            assertThatThrownBy(() -> client.execute(new IpvsCommand.Clear()))
                    .isInstanceOfSatisfying(IpvsException.class, e -> {
                        assertThat(e.error()).isEqualTo(error);
                        assertThat(e.getMessage()).isEqualTo("refused: " + error.name().toLowerCase());
                    });
        }
    }

    @Test
    void aFailingEngineIsReportedAndTheServerKeepsServing() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        ControlClient client = client(socket);
        fake.failure = new IllegalStateException("boom");
        assertThatThrownBy(client::table)
                .isInstanceOfSatisfying(ControlProtocolException.class,
                        e -> assertThat(e.error()).isEqualTo(ProtocolError.INTERNAL.name()))
                .hasMessageContaining("boom");
        fake.failure = null;
        assertThat(client.table()).isEqualTo(Samples.table());
    }

    @Test
    void concurrentClientsAreEachServedInOrder() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        int clients = 16;
        int perClient = 50;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int port = 1000 + c;
                done.add(pool.submit(() -> {
                    try (ControlClient client = ControlClient.connect(socket)) {
                        for (int i = 0; i < perClient; i++) {
                            client.execute(new IpvsCommand.AddServer(Samples.TCP_KEY,
                                    RealServer.of(IpAddress.ofV4(i), port, Samples.MASQ.method(), 1)));
                            assertThat(client.table().services()).hasSize(3);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(fake.received).hasSize(clients * perClient);
        for (int c = 0; c < clients; c++) {
            int port = 1000 + c;
            List<Integer> order = fake.received.stream()
                    .map(cmd -> ((IpvsCommand.AddServer) cmd).server())
                    .filter(rs -> rs.port() == port)
                    .map(rs -> rs.address().v4())
                    .toList();
            assertThat(order).hasSize(perClient).isSorted();
        }
    }

    @Test
    void oneClientSharedByThreadsKeepsRequestsAndResponsesPaired() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        ControlClient client = client(socket);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        assertThat(client.connections()).isEqualTo(Samples.connections());
                        assertThat(client.syncDaemons()).hasSize(2);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    /** A hand-driven connection, to send what ControlClient never would. */
    private final class RawClient implements AutoCloseable {
        final SocketChannel channel;
        final LineReader reader;

        RawClient(Path socket) throws IOException {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            reader = new LineReader(Channels.newInputStream(channel), ControlProtocol.MAX_RESPONSE_BYTES);
        }

        void send(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        JsonNode ask(String line) throws IOException {
            send((line + "\n").getBytes(StandardCharsets.UTF_8));
            return mapper.readTree(reader.readLine());
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void badRequestsGetClearErrorsOnTheSameConnection() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        try (RawClient raw = new RawClient(socket)) {
            assertError(raw.ask("hello daemon"), "BAD_REQUEST", "malformed JSON");
            assertError(raw.ask("[1,2,3]"), "BAD_REQUEST", "one JSON object per line");
            assertError(raw.ask("{\"op\":\"ping\"}"), "UNSUPPORTED_VERSION", "version missing");
            assertError(raw.ask("{\"v\":2,\"op\":\"ping\"}"), "UNSUPPORTED_VERSION", "\"v\":1");
            assertError(raw.ask("{\"v\":1}"), "BAD_REQUEST", "op");
            assertError(raw.ask("{\"v\":1,\"op\":\"fly\"}"), "UNKNOWN_OP", "unknown op \"fly\"");
            assertError(raw.ask("{\"v\":1,\"op\":\"add-service\",\"service\":{\"key\":{\"fwmark\":0}}}"),
                    "BAD_REQUEST", "service.key.fwmark: expected an integer in 1..4294967295");
            assertError(raw.ask("{\"v\":1,\"op\":\"delete-server\",\"key\":{\"fwmark\":3},"
                    + "\"address\":\"10.0.0.1\",\"port\":-1}"), "BAD_REQUEST", "port: expected an integer");
            JsonNode binary = mapper.readTree(askBytes(raw, new byte[] {0, (byte) 0xff, (byte) 0xfe, 1, '\n'}));
            assertError(binary, "BAD_REQUEST", "");
            JsonNode pong = raw.ask("{\"v\":1,\"op\":\"ping\"}");
            assertThat(pong.get("ok").booleanValue()).isTrue();
            assertThat(pong.get("protocol").intValue()).isEqualTo(ControlProtocol.VERSION);
        }
        assertThat(fake.received).isEmpty();
    }

    private static byte[] askBytes(RawClient raw, byte[] bytes) throws IOException {
        raw.send(bytes);
        return raw.reader.readLine();
    }

    private static void assertError(JsonNode response, String error, String messagePart) {
        assertThat(response.get("ok").booleanValue()).isFalse();
        assertThat(response.get("error").textValue()).isEqualTo(error);
        assertThat(response.get("message").textValue()).contains(messagePart);
    }

    @Test
    void anOversizeRequestIsRefusedAndItsConnectionClosed() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        try (RawClient raw = new RawClient(socket)) {
            byte[] huge = new byte[ControlProtocol.MAX_REQUEST_BYTES + 10];
            Arrays.fill(huge, (byte) ' ');
            huge[0] = '{';
            try {
                raw.send(huge);
            } catch (IOException e) {
                // the server may close before it has read everything
            }
            JsonNode r = mapper.readTree(raw.reader.readLine());
            assertError(r, "REQUEST_TOO_LARGE", String.valueOf(ControlProtocol.MAX_REQUEST_BYTES));
            assertThat(raw.reader.readLine()).isNull();
        }
        assertThat(client(socket).table()).isEqualTo(Samples.table());
    }

    @Test
    void aRequestJustUnderTheLimitIsServed() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        try (RawClient raw = new RawClient(socket)) {
            String ping = "{\"v\":1,\"op\":\"ping\"}";
            String padded = ping + " ".repeat(ControlProtocol.MAX_REQUEST_BYTES - ping.length());
            assertThat(raw.ask(padded).get("ok").booleanValue()).isTrue();
        }
    }

    @Test
    void socketIsPrivateAndItsMissingDirectoryIsCreatedPrivate() throws Exception {
        Path socket = dir.resolve("run/jlvs/jlvs.sock");
        start(socket);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void aSecondServerOnALiveSocketIsRefusedAndTheFirstKeepsServing() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        start(socket);
        assertThatThrownBy(() -> ControlServer.start(socket, new FakeIpvsControl()))
                .isInstanceOf(IOException.class)
                .hasMessage("another jlvs daemon is already running on " + socket
                        + " (stop it first, or pick another --socket)");
        assertThat(client(socket).ping()).isPositive();
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        start(socket);
        assertThat(client(socket).table()).isEqualTo(Samples.table());
    }

    @Test
    void aRegularFileInTheWayIsNotTouched() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        Files.writeString(socket, "precious");
        assertThatThrownBy(() -> ControlServer.start(socket, fake))
                .hasMessageContaining("exists and is not a socket");
        assertThat(Files.readString(socket)).isEqualTo("precious");
    }

    @Test
    void closeRemovesTheSocketAndClientsThenFailToConnectNamingThePath() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        ControlServer server = ControlServer.start(socket, fake);
        ControlClient client = client(socket);
        assertThat(client.ping()).isPositive();
        server.close();
        assertThat(socket).doesNotExist();
        assertThatThrownBy(client::table).isInstanceOf(IOException.class).hasMessageContaining(socket.toString());
        assertThatThrownBy(() -> ControlClient.connect(socket))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot connect to the jlvs daemon at " + socket);
    }

    @Test
    void closeLeavesASocketThatIsNoLongerItsOwn() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        ControlServer first = ControlServer.start(socket, fake);
        Files.delete(socket);
        ControlServer second = start(socket);
        first.close();
        assertThat(socket).exists();
        assertThat(client(socket).ping()).isPositive();
        second.close();
        assertThat(socket).doesNotExist();
    }
}
