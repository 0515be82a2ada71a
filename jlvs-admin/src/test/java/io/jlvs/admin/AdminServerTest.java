package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.engine.IpvsEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
    private static final String TOKEN = "s3cret-token";
    private static final String WEB = "tcp-10.0.0.1-80";
    private static final String WEB_JSON = """
            {"key":{"protocol":"TCP","address":"10.0.0.1","port":80},"scheduler":"rr"}""";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final IpvsEngine engine = new IpvsEngine();
    private final EventLog events = new EventLog();
    private AdminServer server;

    @BeforeEach
    void start() throws IOException {
        server = AdminServer.start(options(tokenFile("rw-------")), engine, events, new DaemonCounters());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AdminOptions options(Path token) {
        return new AdminOptions("127.0.0.1", 0, token, AdminOptions.DEFAULT_MAX_BODY_BYTES);
    }

    private Path tokenFile(String mode) throws IOException {
        Path f = dir.resolve("token-" + mode);
        Files.writeString(f, TOKEN + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String error() {
            return body.path("error").asText();
        }
    }

    private Reply call(String method, String path, String body) throws Exception {
        return call(method, path, body, "application/json", TOKEN);
    }

    private Reply call(String method, String path, String body, String type, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (type != null && body != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = r.body().isEmpty() || !r.headers().firstValue("Content-Type").orElse("").contains("json")
                ? json.nullNode() : json.readTree(r.body());
        return new Reply(r.statusCode(), node, r);
    }

    private Reply get(String path) throws Exception {
        return call("GET", path, null, null, null);
    }

    private RealServerView engineServer(String address) throws IOException {
        return engine.table().services().getFirst().realServers().stream()
                .filter(r -> r.server().address().equals(IpAddress.parse(address))).findFirst().orElseThrow();
    }

    @Test
    void aServiceAndItsServersCanBeManagedEndToEnd() throws Exception {
        Reply created = call("POST", "/api/v1/services", WEB_JSON);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.raw().headers().firstValue("Location")).contains("/api/v1/services/" + WEB);
        assertThat(created.body().path("id").asText()).isEqualTo(WEB);
        assertThat(created.body().path("service").path("scheduler").asText()).isEqualTo("rr");

        Reply added = call("POST", "/api/v1/services/" + WEB + "/servers",
                "{\"address\":\"192.168.1.11\",\"port\":80,\"method\":\"MASQ\",\"weight\":3}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().path("id").asText()).isEqualTo("192.168.1.11-80");
        call("POST", "/api/v1/services/" + WEB + "/servers", "{\"address\":\"192.168.1.12\",\"port\":80,\"method\":\"DROUTE\"}");

        Reply list = get("/api/v1/services");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("services")).hasSize(1);
        assertThat(list.body().path("services").get(0).path("realServers")).extracting(n -> n.path("id").asText())
                .containsExactlyInAnyOrder("192.168.1.11-80", "192.168.1.12-80");

        Reply patched = call("PATCH", "/api/v1/services/" + WEB + "/servers/192.168.1.11-80", "{\"weight\":7}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(engineServer("192.168.1.11").server().weight()).isEqualTo(7);
        assertThat(engineServer("192.168.1.11").server().method().name()).isEqualTo("MASQ");

        Reply drained = call("POST", "/api/v1/services/" + WEB + "/servers/192.168.1.11:80/drain", null);
        assertThat(drained.status()).isEqualTo(200);
        assertThat(drained.body().path("server").path("weight").asInt()).isEqualTo(0);
        assertThat(engineServer("192.168.1.11").server().weight()).isZero();

        Reply replaced = call("PUT", "/api/v1/services/" + WEB + "/servers/192.168.1.12-80",
                "{\"method\":\"MASQ\",\"weight\":2,\"upperThreshold\":100}");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(engineServer("192.168.1.12").server().upperThreshold()).isEqualTo(100);

        Reply edited = call("PUT", "/api/v1/services/" + WEB, "{\"scheduler\":\"wlc\",\"persistenceTimeout\":300}");
        assertThat(edited.status()).isEqualTo(200);
        assertThat(engine.table().services().getFirst().service().persistenceTimeout()).isEqualTo(300);
        assertThat(engine.table().services().getFirst().service().scheduler()).isEqualTo("wlc");

        assertThat(call("DELETE", "/api/v1/services/" + WEB + "/servers/192.168.1.12-80", null).status())
                .isEqualTo(204);
        assertThat(get("/api/v1/services/" + WEB + "/servers").body().path("servers")).hasSize(1);
        assertThat(call("DELETE", "/api/v1/services/" + WEB, null).status()).isEqualTo(204);
        assertThat(engine.table().services()).isEmpty();
        assertThat(get("/api/v1/services/" + WEB).status()).isEqualTo(404);

        assertThat(events.since(0)).extracting(AdminEvent::message).containsExactly(
                "API: added service tcp-10.0.0.1-80 (scheduler rr)",
                "API: added real server 192.168.1.11-80 to tcp-10.0.0.1-80 (weight 3)",
                "API: added real server 192.168.1.12-80 to tcp-10.0.0.1-80 (weight 1)",
                "API: patched real server 192.168.1.11-80 of tcp-10.0.0.1-80 (weight 7)",
                "API: drained real server 192.168.1.11-80 of tcp-10.0.0.1-80 (weight 0)",
                "API: replaced real server 192.168.1.12-80 of tcp-10.0.0.1-80 (weight 2)",
                "API: edited service tcp-10.0.0.1-80 (scheduler wlc)",
                "API: removed real server 192.168.1.12-80 from tcp-10.0.0.1-80",
                "API: deleted service tcp-10.0.0.1-80");
        Reply ev = get("/api/v1/events?after=7");
        assertThat(ev.body().path("last").asLong()).isEqualTo(9);
        assertThat(ev.body().path("events")).extracting(n -> n.path("kind").asText()).containsExactly("config", "config");
    }

    /** Weights to INT_MAX, as IPVS takes them: through POST and PATCH, in the views and in /metrics. */
    @Test
    void weightsUpToIntMaxGoInAndComeBackOutOfTheApiAndTheMetrics() throws Exception {
        call("POST", "/api/v1/services", WEB_JSON);
        Reply added = call("POST", "/api/v1/services/" + WEB + "/servers",
                "{\"address\":\"192.168.1.11\",\"port\":80,\"method\":\"MASQ\",\"weight\":3000000}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().path("server").path("weight").asLong()).isEqualTo(3_000_000);
        call("POST", "/api/v1/services/" + WEB + "/servers",
                "{\"address\":\"192.168.1.12\",\"port\":80,\"method\":\"MASQ\"}");
        Reply patched = call("PATCH", "/api/v1/services/" + WEB + "/servers/192.168.1.12-80",
                "{\"weight\":2147483647}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(engineServer("192.168.1.12").server().weight()).isEqualTo(Integer.MAX_VALUE);
        assertThat(get("/api/v1/services/" + WEB + "/servers").body().path("servers"))
                .extracting(n -> n.path("server").path("weight").asLong())
                .containsExactly(3_000_000L, 2_147_483_647L);

        Reply tooBig = call("PATCH", "/api/v1/services/" + WEB + "/servers/192.168.1.12-80",
                "{\"weight\":2147483648}");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.error()).isEqualTo("BAD_REQUEST");
        assertThat(tooBig.body().path("message").asText())
                .isEqualTo("weight: expected an integer in 0..2147483647, got 2147483648");
        assertThat(engineServer("192.168.1.12").server().weight()).isEqualTo(Integer.MAX_VALUE);

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(IpvsMetricsTest.samples(metrics.body()))
                .containsEntry("jlvs_server_weight{server=\"192.168.1.11-80\",service=\"tcp-10.0.0.1-80\"}", "3000000.0")
                .containsEntry("jlvs_server_weight{server=\"192.168.1.12-80\",service=\"tcp-10.0.0.1-80\"}",
                        "2.147483647E9")
                .containsEntry("node_ipvs_backend_weight{local_address=\"10.0.0.1\",local_mark=\"\",local_port=\"80\","
                        + "proto=\"TCP\",remote_address=\"192.168.1.12\",remote_port=\"80\"}", "2.147483647E9");
    }

    @Test
    void realServersAreListedInJlvsadmLnOrderNotTheOrderTheyWereAdded() throws Exception {
        call("POST", "/api/v1/services", WEB_JSON);
        for (String rs : new String[] {"192.168.1.12:80", "192.168.1.10:8080", "192.168.1.9:80", "192.168.1.10:80"}) {
            String[] ap = rs.split(":");
            assertThat(call("POST", "/api/v1/services/" + WEB + "/servers", "{\"address\":\"" + ap[0]
                    + "\",\"port\":" + ap[1] + ",\"method\":\"MASQ\"}").status()).isEqualTo(201);
        }
        // ipvsadm -Ln: by address (numerically, .9 before .10), then port
        String[] lnOrder = {"192.168.1.9-80", "192.168.1.10-80", "192.168.1.10-8080", "192.168.1.12-80"};
        assertThat(get("/api/v1/services").body().path("services").get(0).path("realServers"))
                .extracting(n -> n.path("id").asText()).containsExactly(lnOrder);
        assertThat(get("/api/v1/services/" + WEB).body().path("realServers"))
                .extracting(n -> n.path("id").asText()).containsExactly(lnOrder);
        assertThat(get("/api/v1/services/" + WEB + "/servers").body().path("servers"))
                .extracting(n -> n.path("id").asText()).containsExactly(lnOrder);
    }

    @Test
    void tableRefusalsMapToHttpStatusesWithIpvsadmsWords() throws Exception {
        call("POST", "/api/v1/services", WEB_JSON);
        Reply dup = call("POST", "/api/v1/services", WEB_JSON);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.error()).isEqualTo("SERVICE_EXISTS");
        assertThat(dup.body().path("message").asText()).isEqualTo("Service already exists");

        Reply sched = call("POST", "/api/v1/services",
                "{\"key\":{\"protocol\":\"TCP\",\"address\":\"10.0.0.2\",\"port\":80},\"scheduler\":\"nope\"}");
        assertThat(sched.status()).isEqualTo(400);
        assertThat(sched.error()).isEqualTo("SCHEDULER_NOT_FOUND");

        Reply noServer = call("PATCH", "/api/v1/services/" + WEB + "/servers/192.168.9.9-80", "{\"weight\":1}");
        assertThat(noServer.status()).isEqualTo(404);
        Reply noService = call("POST", "/api/v1/services/udp-10.0.0.9-53/servers",
                "{\"address\":\"192.168.1.11\",\"port\":53,\"method\":\"MASQ\"}");
        assertThat(noService.status()).isEqualTo(404);
        assertThat(noService.error()).isEqualTo("NO_SUCH_SERVICE");

        Reply badField = call("POST", "/api/v1/services/" + WEB + "/servers",
                "{\"address\":\"192.168.1.11\",\"port\":70000,\"method\":\"MASQ\"}");
        assertThat(badField.status()).isEqualTo(400);
        assertThat(badField.body().path("message").asText()).contains("port").contains("70000");

        Reply otherKey = call("PUT", "/api/v1/services/" + WEB,
                "{\"key\":{\"protocol\":\"TCP\",\"address\":\"10.0.0.2\",\"port\":80}}");
        assertThat(otherKey.status()).isEqualTo(400);
        assertThat(otherKey.body().path("message").asText()).contains("tcp-10.0.0.2-80");
        assertThat(engine.table().services()).hasSize(1);
    }

    @Test
    void malformedRequestsGetClearJsonErrorsAndNoStackTrace() throws Exception {
        Reply badId = get("/api/v1/services/tcp-nonsense");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body().path("message").asText()).contains("tcp-nonsense");

        Reply notJson = call("POST", "/api/v1/services", "{\"key\":", "application/json", TOKEN);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.error()).isEqualTo("BAD_REQUEST");
        // the parser's words and where, one line, none of its notes on the source
        assertThat(notJson.body().path("message").asText()).startsWith("malformed JSON: ").contains("(line 1, column ")
                .doesNotContain("Source:").doesNotContain("\n");

        Reply array = call("POST", "/api/v1/services", "[]");
        assertThat(array.status()).isEqualTo(400);

        Reply text = call("POST", "/api/v1/services", WEB_JSON, "text/plain", TOKEN);
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.error()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        Reply big = call("POST", "/api/v1/services", "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.error()).isEqualTo("PAYLOAD_TOO_LARGE");

        Reply method = call("DELETE", "/api/v1/services", null);
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.raw().headers().firstValue("Allow")).contains("GET, POST");

        Reply unknown = get("/api/v1/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("NOT_FOUND");

        for (Reply r : new Reply[] {badId, notJson, array, text, big, method, unknown}) {
            assertThat(r.raw().headers().firstValue("Content-Type")).contains("application/json");
            assertThat(r.raw().body()).doesNotContain("\tat ").doesNotContain("Exception");
        }
        assertThat(engine.table().services()).isEmpty();
    }

    @Test
    void changesNeedTheBearerTokenAndReadsDoNot() throws Exception {
        Reply none = call("POST", "/api/v1/services", WEB_JSON, "application/json", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(call("POST", "/api/v1/services", WEB_JSON, "application/json", "wrong").status()).isEqualTo(401);
        assertThat(call("POST", "/api/v1/services", WEB_JSON, "application/json", TOKEN + "x").status())
                .isEqualTo(401);
        assertThat(engine.table().services()).isEmpty();
        assertThat(events.lastSeq()).isZero();
        assertThat(get("/api/v1/services").status()).isEqualTo(200);
        assertThat(get("/api/v1/health").body().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void withoutATokenFileTheApiIsReadOnly() throws Exception {
        server.close();
        server = AdminServer.start(options(null), engine);
        Reply r = call("POST", "/api/v1/services", WEB_JSON);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.error()).isEqualTo("READ_ONLY");
        assertThat(get("/api/v1/services").status()).isEqualTo(200);
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedInOneLine() throws Exception {
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--"}) {
            Path f = tokenFile(mode);
            assertThatThrownBy(() -> AdminServer.start(options(f), engine))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining("chmod 600")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        try (AdminServer ro = AdminServer.start(options(tokenFile("r--------")), engine)) {
            assertThat(ro.port()).isPositive();
        }
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "\n");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> AdminServer.start(options(empty), engine)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> AdminServer.start(options(dir.resolve("missing")), engine))
                .hasMessageContaining("does not exist");
    }

    @Test
    void connectionsArePaged() throws Exception {
        engine.addConnectionSource(into -> {
            for (int i = 0; i < 5; i++) {
                into.add(new ConnectionView(Protocol.TCP, IpAddress.parse("10.1.1." + (i + 1)), 40000 + i,
                        IpAddress.parse("10.0.0.1"), 80, IpAddress.parse("192.168.1.11"), 80, "ESTABLISHED",
                        899000, false, null, null));
            }
        });
        Reply page = get("/api/v1/connections?offset=2&limit=2");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().path("total").asInt()).isEqualTo(5);
        assertThat(page.body().path("connections")).extracting(n -> n.path("client").asText())
                .containsExactly("10.1.1.3", "10.1.1.4");
        assertThat(get("/api/v1/connections?offset=4").body().path("connections")).hasSize(1);
        assertThat(get("/api/v1/connections?offset=9").body().path("connections")).isEmpty();
        assertThat(get("/api/v1/connections").body().path("limit").asInt()).isEqualTo(100);
        Reply bad = get("/api/v1/connections?limit=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("message").asText()).contains("limit");
        assertThat(get("/api/v1/connections?limit=5000").status()).isEqualTo(400);
    }

    @Test
    void timeoutsCanBeReadAndSetAsWithIpvsadmSet() throws Exception {
        assertThat(get("/api/v1/timeouts").body().toString()).isEqualTo("{\"tcp\":900,\"tcpFin\":120,\"udp\":300}");
        Reply set = call("PUT", "/api/v1/timeouts", "{\"tcp\":3600,\"tcpFin\":0,\"udp\":60}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body().toString()).isEqualTo("{\"tcp\":3600,\"tcpFin\":120,\"udp\":60}");
        assertThat(engine.timeouts().tcp()).isEqualTo(3600);

        // refused as jlvsadm --set refuses it (ipvsadm's 31 days), the values in force kept
        Reply tooLong = call("PUT", "/api/v1/timeouts", "{\"tcp\":2147483647,\"tcpFin\":0,\"udp\":0}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().path("message").asText()).startsWith("invalid timeout value `2147483647'");
        assertThat(engine.timeouts().tcp()).isEqualTo(3600);
        assertThat(call("PUT", "/api/v1/timeouts", "{\"tcp\":2678400,\"tcpFin\":0,\"udp\":0}").status())
                .isEqualTo(200);
    }

    @Test
    void statsAndMetricsShowTheTable() throws Exception {
        call("POST", "/api/v1/services", WEB_JSON);
        call("POST", "/api/v1/services/" + WEB + "/servers", "{\"address\":\"192.168.1.11\",\"port\":8080,\"method\":\"MASQ\",\"weight\":4}");
        Reply stats = get("/api/v1/stats");
        assertThat(stats.body().path("connTableSize").asInt()).isEqualTo(4096);
        assertThat(stats.body().path("services").get(0).path("id").asText()).isEqualTo(WEB);
        assertThat(stats.body().path("stats").path("conns").asLong()).isZero();

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).contains("node_ipvs_backend_weight{local_address=\"10.0.0.1\",local_mark=\"\","
                + "local_port=\"80\",proto=\"TCP\",remote_address=\"192.168.1.11\",remote_port=\"8080\"} 4.0\n");
        assertThat(metrics.body()).contains("jlvs_virtual_services 1.0\n");
    }

    @Test
    void metricsAreGzippedForAScraperThatAcceptsGzipAndPlainOtherwise() throws Exception {
        call("POST", "/api/v1/services", WEB_JSON);
        call("POST", "/api/v1/services/" + WEB + "/servers", "{\"address\":\"192.168.1.11\",\"port\":8080,\"method\":\"MASQ\",\"weight\":4}");
        URI metrics = URI.create("http://127.0.0.1:" + server.port() + "/metrics");

        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body()).contains("jlvs_virtual_services 1.0\n");

        // what Prometheus sends
        HttpResponse<byte[]> gzipped = http.send(HttpRequest.newBuilder(metrics).header("Accept-Encoding", "gzip")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gzipped.statusCode()).isEqualTo(200);
        assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(gzipped.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        String unzipped;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
            unzipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(typeLines(unzipped)).isNotEmpty().isEqualTo(typeLines(plain.body()));
        assertThat(unzipped).contains("node_ipvs_backend_weight{local_address=\"10.0.0.1\",local_mark=\"\","
                + "local_port=\"80\",proto=\"TCP\",remote_address=\"192.168.1.11\",remote_port=\"8080\"} 4.0\n");

        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(metrics)
                .header("Accept-Encoding", "gzip;q=0, identity").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(refused.body()).contains("jlvs_virtual_services 1.0\n");
    }

    private static java.util.List<String> typeLines(String exposition) {
        return exposition.lines().filter(l -> l.startsWith("# TYPE ")).toList();
    }

    @Test
    void theStatusPageAndItsScriptAreServed() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"/status.js\"></script>");
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/status.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.body()).contains("/api/v1/services");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/etc/passwd")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void closingFreesThePort() throws Exception {
        int port = server.port();
        server.close();
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close())
                .isInstanceOf(java.net.ConnectException.class);
        server = AdminServer.start(new AdminOptions("127.0.0.1", port, null, 1024), engine);
        assertThat(get("/api/v1/health").status()).isEqualTo(200);
    }

    @Test
    void aSecondServerOnTheSamePortFailsInOneLine() {
        assertThatThrownBy(() -> AdminServer.start(new AdminOptions("127.0.0.1", server.port(), null, 1024), engine))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot listen on 127.0.0.1:" + server.port());
    }

    @Test
    void itListensOnLoopbackByDefault() {
        assertThat(AdminOptions.defaults().host()).isEqualTo("127.0.0.1");
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }
}
