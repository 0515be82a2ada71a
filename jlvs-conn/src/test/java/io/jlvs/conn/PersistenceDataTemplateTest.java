package io.jlvs.conn;

import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.UDP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Templates of --pe sip services: keyed on the Call-ID as well, listed with it, their data slots reused. */
class PersistenceDataTemplateTest {
    private static final long VIP = Flows.VIP.lo();
    private static final long NET = IpAddress.parse("192.168.1.0").lo();
    private final DestinationState rs1 = Flows.server(Flows.RS1, 5060, ForwardingMethod.MASQ);
    private final DestinationState rs2 = Flows.server(Flows.RS2, 5060, ForwardingMethod.MASQ);

    /** The Call-ID {@code id} at offset 3 of a segment with other bytes around it. */
    private static MemorySegment callId(String id) {
        return MemorySegment.ofArray(("xx " + id + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static int find(ConnTable t, long net, String id, long now) {
        return t.findTemplate(UDP, net, VIP, 5060, callId(id), 3, id.length(), now);
    }

    private static int create(ConnTable t, long net, String id, DestinationState rs, int timeout, long now) {
        IpAddress d = rs.config().address();
        return t.createTemplate(UDP, net, VIP, 5060, callId(id), 3, id.length(), false, d.hi(), d.lo(), 5060, rs,
                timeout, now);
    }

    @Test
    void aTemplateIsFoundByItsNetworkServiceAndCallIdOnly() {
        ConnTable t = Flows.table(64);
        int a = create(t, NET, "call-a@host", rs1, 300, 0);
        int b = create(t, NET, "call-b@host", rs2, 300, 0);
        assertThat(a).isNotEqualTo(b);
        assertThat(find(t, NET, "call-a@host", S)).isEqualTo(a);
        assertThat(find(t, NET, "call-b@host", S)).isEqualTo(b);
        assertThat(find(t, NET, "call-a@hos", S)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(find(t, NET, "CALL-A@HOST", S)).as("the value is compared exactly").isEqualTo(ConnTable.NO_ENTRY);
        assertThat(find(t, IpAddress.parse("192.168.2.0").lo(), "call-a@host", S)).isEqualTo(ConnTable.NO_ENTRY);
        // a plain template of the same network and service is another key, both ways
        assertThat(t.findTemplate(UDP, false, 0, NET, 0, VIP, 5060, S)).isEqualTo(ConnTable.NO_ENTRY);
        IpAddress d = rs1.config().address();
        int plain = t.createTemplate(UDP, false, 0, NET, 0, VIP, 5060, false, d.hi(), d.lo(), 5060, rs1, 300, S);
        assertThat(t.findTemplate(UDP, false, 0, NET, 0, VIP, 5060, S)).isEqualTo(plain);
        assertThat(find(t, NET, "call-a@host", S)).isEqualTo(a);
        assertThat(rs1.persistConns()).isEqualTo(2);
    }

    @Test
    void aTemplateIsListedWithTheEngineAndItsData() {
        ConnTable t = Flows.table(16);
        int a = create(t, NET, "a84b4c76e66710@pc33.example.com", rs1, 300, 0);
        assertThat(t.hasPeData(a)).isTrue();
        assertThat(t.clientHi(a)).isZero();
        ConnectionView v = t.view(a, S);
        assertThat(v.client().withPort(v.clientPort())).isEqualTo("192.168.1.0:0");
        assertThat(v.peName()).isEqualTo("sip");
        assertThat(v.peData()).isEqualTo("a84b4c76e66710@pc33.example.com");
        assertThat(v.expiresMillis()).isEqualTo(299_000L);
        byte[] copy = new byte[255];
        assertThat(t.copyPeData(a, copy, 0)).isEqualTo(31);
        assertThat(new String(copy, 0, 31, StandardCharsets.US_ASCII)).isEqualTo(v.peData());
    }

    @Test
    void dataSlotsAreReusedAsTemplatesExpire() {
        ConnTable t = Flows.table(4096);
        long now = 0;
        for (int i = 0; i < 5000; i++) {
            assertThat(create(t, NET, "call-" + i, i % 2 == 0 ? rs1 : rs2, 1, now)).isNotNegative();
            now += S / 100;
            t.expire(now, 1 << 20);
        }
        // about 100 templates live at a time: one chunk of 256 slots serves them all
        assertThat(t.size()).isBetween(90, 110);
        assertThat(t.peDataChunks()).isEqualTo(1);
        assertThat(find(t, NET, "call-4999", now)).isNotNegative();
        assertThat(find(t, NET, "call-10", now)).isEqualTo(ConnTable.NO_ENTRY);
    }

    @Test
    void dataOfMoreThan255BytesIsRefused() {
        ConnTable t = Flows.table(4);
        String id = "x".repeat(256);
        assertThatThrownBy(() -> create(t, NET, id, rs1, 300, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.size()).isZero();
    }
}
