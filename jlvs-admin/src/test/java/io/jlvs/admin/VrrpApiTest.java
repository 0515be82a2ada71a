package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlvs.engine.IpvsEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /api/v1/vrrp and /metrics through a real AdminServer with a registered VRRP source. */
class VrrpApiTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        server = AdminServer.start(new AdminOptions("127.0.0.1", 0, null, AdminOptions.DEFAULT_MAX_BODY_BYTES),
                new IpvsEngine());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noSourceRegisteredMeansNoInstances() throws Exception {
        HttpResponse<String> r = get("/api/v1/vrrp");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("instances")).isEmpty();
        assertThat(get("/metrics").body()).doesNotContain("keepalived_vrrp_state");
    }

    @Test
    void instancesAreListedWithStatePrioritiesMasterVipsAndCounters() throws Exception {
        server.vrrpInstances(VrrpFixtures::two);
        JsonNode all = json.readTree(get("/api/v1/vrrp").body()).get("instances");
        assertThat(all).hasSize(2);
        JsonNode vi1 = all.get(0);
        assertThat(vi1.get("name").asText()).isEqualTo("VI_1");
        assertThat(vi1.get("state").asText()).isEqualTo("MASTER");
        assertThat(vi1.get("interface").asText()).isEqualTo("eth0");
        assertThat(vi1.get("vrid").asInt()).isEqualTo(51);
        assertThat(vi1.get("priority").asInt()).isEqualTo(150);
        assertThat(vi1.get("effectivePriority").asInt()).isEqualTo(140);
        assertThat(vi1.get("master").asText()).isEqualTo("10.0.0.1");
        assertThat(vi1.get("lastTransition").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(vi1.get("virtualAddresses").get(0).toString())
                .isEqualTo("{\"address\":\"10.0.0.100\",\"prefixLength\":24,\"device\":\"eth0\",\"label\":\"eth0:vip\"}");
        assertThat(vi1.get("virtualAddresses").get(1).get("device").asText()).isEqualTo("eth2");
        assertThat(vi1.get("counters").get("advertsSent").asLong()).isEqualTo(120);
        assertThat(vi1.get("counters").get("dropped").get("AUTH_FAILURE").asLong()).isEqualTo(2);
        assertThat(all.get(1).get("lastTransition").isNull()).isTrue();

        JsonNode one = json.readTree(get("/api/v1/vrrp/VI_2").body());
        assertThat(one.get("state").asText()).isEqualTo("BACKUP");
        assertThat(get("/api/v1/vrrp/VI_9").statusCode()).isEqualTo(404);
        assertThat(get("/metrics").body()).contains(
                "keepalived_vrrp_state{iname=\"VI_2\",intf=\"eth1\",ip_address=\"10.1.0.100/24\",vrid=\"52\"} 1");
    }

    @Test
    void theSourceIsReadAtEachRequest() throws Exception {
        List<List<VrrpInstanceView>> now = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(List.of()));
        server.vrrpInstances(() -> now.getLast());
        assertThat(json.readTree(get("/api/v1/vrrp").body()).get("instances")).isEmpty();
        now.add(VrrpFixtures.two());
        assertThat(json.readTree(get("/api/v1/vrrp").body()).get("instances")).hasSize(2);
    }

    @Test
    void onlyGet() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/vrrp"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isIn(401, 403, 405);
    }
}
