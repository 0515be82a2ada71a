package io.jlvs.engine.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlvs.core.IpAddress;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IpvsJsonTest {
    private final ObjectMapper mapper = new ObjectMapper();

    /** Through text, as on the wire, so nothing survives only as a Java object in the tree. */
    private JsonNode reparsed(JsonNode node) throws Exception {
        return mapper.readTree(mapper.writeValueAsString(node));
    }

    @Test
    void keysHaveTheDocumentedShape() throws Exception {
        assertThat(mapper.writeValueAsString(IpvsJson.write(Samples.TCP_KEY)))
                .isEqualTo("{\"protocol\":\"TCP\",\"address\":\"10.0.0.1\",\"port\":80}");
        assertThat(mapper.writeValueAsString(IpvsJson.write(Samples.FWMARK_KEY)))
                .isEqualTo("{\"fwmark\":4294967294,\"family\":\"INET6\"}");
    }

    @Test
    void keysRoundTrip() throws Exception {
        for (VirtualServiceKey key : List.of(Samples.TCP_KEY, Samples.V6_KEY, Samples.FWMARK_KEY)) {
            assertThat(IpvsJson.readVirtualServiceKey(reparsed(IpvsJson.write(key)))).isEqualTo(key);
        }
    }

    @Test
    void servicesRoundTrip() throws Exception {
        for (VirtualService s : List.of(Samples.PLAIN, Samples.PERSISTENT, Samples.V6, Samples.FWMARK)) {
            assertThat(IpvsJson.readVirtualService(reparsed(IpvsJson.write(s)))).isEqualTo(s);
        }
    }

    @Test
    void ipv4NetmaskTravelsAsDottedTextAndIpv6AsPrefixLength() {
        assertThat(IpvsJson.write(Samples.PERSISTENT).get("netmask").textValue()).isEqualTo("255.255.255.0");
        assertThat(IpvsJson.write(Samples.V6).get("netmask").intValue()).isEqualTo(64);
    }

    @Test
    void realServersRoundTrip() throws Exception {
        for (RealServer rs : List.of(Samples.MASQ, Samples.TUNNEL, Samples.FULLNAT)) {
            assertThat(IpvsJson.readRealServer(reparsed(IpvsJson.write(rs)))).isEqualTo(rs);
        }
    }

    @Test
    void countersAndRatesRoundTrip() throws Exception {
        assertThat(IpvsJson.readStatsSample(reparsed(IpvsJson.write(Samples.STATS)))).isEqualTo(Samples.STATS);
        assertThat(IpvsJson.readRateSample(reparsed(IpvsJson.write(Samples.RATES)))).isEqualTo(Samples.RATES);
    }

    @Test
    void tableWithViewsAndTimeoutsRoundTrips() throws Exception {
        IpvsTableView table = Samples.table();
        assertThat(IpvsJson.readTableView(reparsed(IpvsJson.write(table)))).isEqualTo(table);
    }

    @Test
    void connectionsRoundTripIncludingFwmarkTemplates() throws Exception {
        for (ConnectionView c : Samples.connections()) {
            assertThat(IpvsJson.readConnection(reparsed(IpvsJson.write(c)))).isEqualTo(c);
        }
        assertThat(IpvsJson.write(Samples.connections().get(1)).has("protocol")).isFalse();
    }

    @Test
    void syncDaemonsRoundTrip() throws Exception {
        for (SyncDaemonView d : List.of(Samples.MASTER, Samples.BACKUP)) {
            assertThat(IpvsJson.readSyncDaemon(reparsed(IpvsJson.write(d)))).isEqualTo(d);
        }
    }

    static List<IpvsCommand> commands() {
        return Samples.commands();
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandRoundTrips(IpvsCommand command) throws Exception {
        JsonNode json = reparsed(IpvsJson.write(command));
        assertThat(json.get("op").textValue()).isEqualTo(IpvsJson.op(command));
        assertThat(IpvsJson.readCommand(json)).isEqualTo(command);
    }

    @Test
    void everyCommandVariantHasAnOp() {
        assertThat(Samples.commands().stream().map(IpvsJson::op).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(IpvsJson.COMMAND_OPS);
        assertThat(IpvsCommand.class.getPermittedSubclasses()).hasSize(IpvsJson.COMMAND_OPS.size());
    }

    @Test
    void defaultsApplyToOmittedOptionalFields() throws Exception {
        JsonNode minimal = mapper.readTree("""
                {"op":"add-server","key":{"protocol":"UDP","address":"10.0.0.1","port":53},
                 "server":{"address":"10.0.0.2","port":53,"method":"DROUTE"}}""");
        IpvsCommand.AddServer cmd = (IpvsCommand.AddServer) IpvsJson.readCommand(minimal);
        assertThat(cmd.server().weight()).isEqualTo(RealServer.DEFAULT_WEIGHT);
        assertThat(cmd.server().upperThreshold()).isZero();

        VirtualService s = IpvsJson.readVirtualService(mapper.readTree(
                "{\"key\":{\"fwmark\":5}}"));
        assertThat(s.scheduler()).isEqualTo(VirtualService.DEFAULT_SCHEDULER);
        assertThat(s.netmask()).isEqualTo(VirtualService.IPV4_FULL_MASK);
        assertThat(s.key().family().name()).isEqualTo("INET");
    }

    @Test
    void refusalsNameTheField() throws Exception {
        assertThatThrownBy(() -> IpvsJson.readCommand(mapper.readTree("""
                {"op":"add-server","key":{"protocol":"TCP","address":"10.0.0.1","port":80},
                 "server":{"address":"10.0.0.2","port":70000,"method":"MASQ"}}""")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.port: expected an integer in 0..65535, got 70000");
        assertThatThrownBy(() -> IpvsJson.readCommand(mapper.readTree("""
                {"op":"delete-service","key":{"protocol":"ICMP","address":"10.0.0.1","port":80}}""")))
                .hasMessage("key.protocol: expected one of TCP, UDP, SCTP, got \"ICMP\"");
        assertThatThrownBy(() -> IpvsJson.readCommand(mapper.readTree("""
                {"op":"delete-service","key":{"protocol":"TCP","address":"example.com","port":80}}""")))
                .hasMessage("key.address: not a numeric IP address: \"example.com\"");
        assertThatThrownBy(() -> IpvsJson.readCommand(mapper.readTree("{\"op\":\"add-service\"}")))
                .hasMessage("service: missing");
        assertThatThrownBy(() -> IpvsJson.readCommand(mapper.readTree("{\"op\":\"explode\"}")))
                .hasMessage("unknown command op \"explode\"");
        assertThatThrownBy(() -> IpvsJson.readVirtualService(mapper.readTree(
                "{\"key\":{\"fwmark\":1},\"flags\":[\"SH_PORT\",3]}")))
                .hasMessage("flags[1]: expected one of SH_FALLBACK, SH_PORT, MH_FALLBACK, MH_PORT, FLAG_1, FLAG_2, "
                        + "FLAG_3, got 3");
    }

    /** A record as the REST API might return it, holding core values. */
    record Listing(IpAddress director, VirtualServiceKey key, IpvsTableView table, List<IpvsCommand> log) {
    }

    @Test
    void jacksonModuleMapsRecordsHoldingCoreValues() throws Exception {
        ObjectMapper withModule = new ObjectMapper().registerModule(IpvsJson.module());
        Listing listing = new Listing(IpAddress.parse("fe80::1"), Samples.FWMARK_KEY, Samples.table(),
                Samples.commands());
        String text = withModule.writeValueAsString(listing);
        assertThat(withModule.readTree(text).get("key")).isEqualTo(IpvsJson.write(Samples.FWMARK_KEY));
        assertThat(withModule.readValue(text, Listing.class)).isEqualTo(listing);
    }

    @Test
    void jacksonModuleReportsBadValuesAsMappingErrors() {
        ObjectMapper withModule = new ObjectMapper().registerModule(IpvsJson.module());
        assertThatThrownBy(() -> withModule.readValue("{\"address\":\"10.0.0.2\",\"port\":1}", RealServer.class))
                .isInstanceOf(JsonMappingException.class)
                .hasMessageContaining("method: missing");
    }
}
