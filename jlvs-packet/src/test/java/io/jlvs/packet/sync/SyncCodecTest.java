package io.jlvs.packet.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sync message format, byte by byte, as the kernel's struct ip_vs_sync_mesg / ip_vs_sync_v4 / v6 lay it out. */
class SyncCodecTest {
    /** Collects what the reader delivers. */
    private static final class Collect implements SyncMessageReader.Sink {
        final List<SyncConn> conns = new ArrayList<>();
        final List<SyncDropReason> dropped = new ArrayList<>();

        @Override
        public void accept(SyncConn conn) {
            conns.add(conn);
        }

        @Override
        public void dropped(SyncDropReason reason) {
            dropped.add(reason);
        }
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] array(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** One version-1 message: syncid 5, one DR TCP connection 192.0.2.10:49152 -> 10.77.0.100:80 -> 10.0.0.11:8080. */
    private static final byte[] V1_ONE_TCP = bytes(
            0x00,                   // reserved, must be 0 (a v0 receiver sees nr_conns 0)
            0x05,                   // syncid
            0x00, 0x2c,             // size = 8 + 36
            0x01,                   // nr_conns
            0x01,                   // version 1
            0x00, 0x00,             // spare
            0x00,                   // type: IPv4
            0x06,                   // protocol TCP
            0x00, 0x24,             // ver_size: version 0, size 36
            0x00, 0x00, 0x01, 0x83, // flags: DROUTE 0x3 | NOOUTPUT 0x80 | INACTIVE 0x100
            0x00, 0x04,             // state 4 (FIN_WAIT)
            0xc0, 0x00,             // cport 49152
            0x00, 0x50,             // vport 80
            0x1f, 0x90,             // dport 8080
            0x00, 0x00, 0x00, 0x00, // fwmark
            0x00, 0x00, 0x00, 0x78, // timeout 120 s
            192, 0, 2, 10,          // caddr
            10, 77, 0, 100,         // vaddr
            10, 0, 0, 11);          // daddr

    @Test
    void writesTheKernelsVersionOneLayout() {
        SyncMessageWriter w = new SyncMessageWriter(5, 1472);
        assertThat(w.addV4(6, 0x183, 4, 49152, 80, 8080, 0, 120,
                IpAddress.parse("192.0.2.10").v4(), IpAddress.parse("10.77.0.100").v4(),
                IpAddress.parse("10.0.0.11").v4())).isTrue();
        assertThat(array(w.message())).containsExactly(V1_ONE_TCP);
    }

    @Test
    void readsVersionOneAndMarksRecordsSynced() {
        Collect c = new Collect();
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(V1_ONE_TCP), 0, c)).isNull();
        assertThat(c.conns).hasSize(1);
        SyncConn s = c.conns.get(0);
        assertThat(s.protocol()).isEqualTo(6);
        assertThat(s.client()).isEqualTo(IpAddress.parse("192.0.2.10"));
        assertThat(s.clientPort()).isEqualTo(49152);
        assertThat(s.virtualAddress()).isEqualTo(IpAddress.parse("10.77.0.100"));
        assertThat(s.virtualPort()).isEqualTo(80);
        assertThat(s.destination()).isEqualTo(IpAddress.parse("10.0.0.11"));
        assertThat(s.destinationPort()).isEqualTo(8080);
        assertThat(s.state()).isEqualTo(4);
        assertThat(s.timeoutSeconds()).isEqualTo(120);
        assertThat(s.flags()).isEqualTo(0x183 | SyncProtocol.F_SYNC);
        assertThat(s.template()).isFalse();
    }

    @Test
    void ipv6RecordWithPersistenceEngineOptionsIsPaddedBeforeTheNext() {
        SyncMessageWriter w = new SyncMessageWriter(0, 1472);
        SyncConn sip = new SyncConn(17, SyncProtocol.F_TEMPLATE, 0, IpAddress.parse("2001:db8::1"), 0,
                IpAddress.parse("2001:db8::100"), 5060, IpAddress.parse("2001:db8::11"), 5060, 0, 300, "sip",
                new byte[] {'a', 'b', 'c'});
        assertThat(w.add(sip)).isTrue();
        assertThat(w.addV4(17, 0, 0, 53, 53, 53, 7, 300, 1, 2, 3)).isTrue();
        byte[] m = array(w.message());
        // header 8 + v6 record 72 + PE_DATA (2 + 3) + PE_NAME (2 + 3) = 90, 2 bytes of padding, then 36
        assertThat(m).hasSize(8 + 82 + 2 + 36);
        assertThat(m[2] & 0xff).isEqualTo(0);
        assertThat(m[3] & 0xff).isEqualTo(128);                 // size
        assertThat(m[4]).isEqualTo((byte) 2);                   // nr_conns
        assertThat(m[8]).isEqualTo((byte) 1);                   // type: IPv6
        assertThat(m[9]).isEqualTo((byte) 17);                  // UDP
        assertThat(((m[10] & 0xff) << 8) | (m[11] & 0xff)).isEqualTo(82); // ver_size: the record with options
        assertThat(m[32] & 0xff).isEqualTo(0x20);               // caddr starts at 8 + 24: 2001:...
        assertThat(new byte[] {m[80], m[81], m[82], m[83], m[84]}).containsExactly(2, 3, 'a', 'b', 'c'); // PE_DATA
        assertThat(new byte[] {m[85], m[86], m[87], m[88], m[89]}).containsExactly(3, 3, 's', 'i', 'p'); // PE_NAME
        assertThat(new byte[] {m[90], m[91]}).containsExactly(0, 0);              // padding to 4 bytes
        assertThat(m[92]).isEqualTo((byte) 0);                  // next record: IPv4

        Collect c = new Collect();
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(m), 0, c)).isNull();
        assertThat(c.conns).hasSize(2);
        SyncConn back = c.conns.get(0);
        assertThat(back.v6()).isTrue();
        assertThat(back.client()).isEqualTo(sip.client());
        assertThat(back.destination()).isEqualTo(sip.destination());
        assertThat(back.peName()).isEqualTo("sip");
        assertThat(back.peData()).containsExactly('a', 'b', 'c');
        assertThat(back.template()).isTrue();
        assertThat(c.conns.get(1).fwmark()).isEqualTo(7);
    }

    @Test
    void readsLegacyVersionZero() {
        byte[] v0 = bytes(
                0x01,                   // nr_conns
                0x00,                   // syncid
                0x00, 0x1c,             // size = 4 + 24
                0x00,                   // reserved
                0x11,                   // protocol UDP
                0x13, 0x88,             // cport 5000
                0x00, 0x35,             // vport 53
                0x00, 0x35,             // dport 53
                192, 0, 2, 10,          // caddr
                10, 77, 0, 100,         // vaddr
                10, 0, 0, 12,           // daddr
                0x00, 0x00,             // flags: MASQ
                0x00, 0x00);            // state 0
        Collect c = new Collect();
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(v0), 0, c)).isNull();
        assertThat(c.conns).singleElement().satisfies(s -> {
            assertThat(s.protocol()).isEqualTo(17);
            assertThat(s.clientPort()).isEqualTo(5000);
            assertThat(s.destination()).isEqualTo(IpAddress.parse("10.0.0.12"));
            assertThat(s.timeoutSeconds()).isZero();
            assertThat(s.flags()).isEqualTo(SyncProtocol.F_SYNC);
        });
    }

    @Test
    void malformedMessagesAreDroppedByReason() {
        Collect c = new Collect();
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(bytes(0, 5, 0)), 0, c)).isEqualTo(SyncDropReason.SHORT);
        byte[] wrongSize = V1_ONE_TCP.clone();
        wrongSize[3] = 0x28;
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(wrongSize), 0, c)).isEqualTo(SyncDropReason.SIZE_MISMATCH);
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(V1_ONE_TCP), 7, c))
                .isEqualTo(SyncDropReason.SYNCID_MISMATCH);
        byte[] badVersion = V1_ONE_TCP.clone();
        badVersion[10] = 0x10;                                  // record version 1 in ver_size
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(badVersion), 0, c)).isEqualTo(SyncDropReason.BAD_VERSION);
        byte[] badType = V1_ONE_TCP.clone();
        badType[8] = 2;
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(badType), 0, c)).isEqualTo(SyncDropReason.BAD_TYPE);
        byte[] tooMany = V1_ONE_TCP.clone();
        tooMany[4] = 2;                                         // nr_conns 2, one present
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(tooMany), 0, c)).isEqualTo(SyncDropReason.SHORT);
        assertThat(c.conns).hasSize(1);                         // the first record of tooMany was delivered
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(V1_ONE_TCP), 5, c)).isNull();
    }

    @Test
    void badRecordsAreSkippedAloneAndCounted() {
        SyncMessageWriter w = new SyncMessageWriter(0, 1472);
        w.addV4(47, 0, 0, 1, 2, 3, 0, 10, 1, 2, 3);            // GRE: no IPVS protocol
        w.addV4(6, 0, 11, 1, 2, 3, 0, 10, 1, 2, 3);            // TCP state 11 does not exist
        w.addV4(6, 0, 1, 1, 2, 3, 0, 10, 1, 2, 3);             // fine
        Collect c = new Collect();
        assertThat(SyncMessageReader.read(w.message(), 0, c)).isNull();
        assertThat(c.dropped).containsExactly(SyncDropReason.UNKNOWN_PROTOCOL, SyncDropReason.BAD_STATE);
        assertThat(c.conns).hasSize(1);
    }

    @Test
    void optionsAreChecked() {
        // one IPv4 record of 36 + 4: an option header and 2 bytes
        byte[] m = new byte[8 + 40];
        System.arraycopy(V1_ONE_TCP, 0, m, 0, 44);
        m[3] = (byte) m.length;
        m[11] = 40;
        m[44] = 0x45;                                           // optional (0x40) unknown type 5
        m[45] = 2;
        Collect c = new Collect();
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(m), 0, c)).isNull();
        assertThat(c.conns).hasSize(1);
        m[44] = 0x05;                                           // the same, mandatory: the record is skipped
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(m), 0, c)).isNull();
        assertThat(c.dropped).containsExactly(SyncDropReason.BAD_OPTION);
        m[45] = 0;                                              // length 0: the message is dropped
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(m), 0, c)).isEqualTo(SyncDropReason.BAD_OPTION);
        m[44] = SyncProtocol.OPT_SEQ_DATA;                      // sequence data must be 24 bytes
        m[45] = 2;
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(m), 0, c)).isEqualTo(SyncDropReason.BAD_OPTION);
    }

    @Test
    void aMessageHoldsWhatFitsTheLimit() {
        SyncMessageWriter w = new SyncMessageWriter(0, 8 + 3 * 36);
        for (int i = 0; i < 3; i++) {
            assertThat(w.addV4(6, 0, 1, i, 80, 80, 0, 900, 1, 2, 3)).isTrue();
        }
        assertThat(w.addV4(6, 0, 1, 9, 80, 80, 0, 900, 1, 2, 3)).isFalse();
        assertThat(w.count()).isEqualTo(3);
        w.reset();
        assertThat(w.isEmpty()).isTrue();
        assertThat(w.message().remaining()).isEqualTo(8);
    }

    /**
     * A record longer than the limit on its own (a 255-byte Call-ID under a small --sync-maxlen) leaves alone
     * in a longer message, as the kernel sizes its buffer for it: before, it fitted no message, and the
     * master's thread spun on it for good while nothing else was sent.
     */
    @Test
    void aRecordLongerThanTheLimitGoesAloneInALongerMessage() {
        SyncMessageWriter w = new SyncMessageWriter(0, 120);
        byte[] callId = new byte[255];
        java.util.Arrays.fill(callId, (byte) 'c');
        assertThat(w.addV4(17, SyncProtocol.F_TEMPLATE, 0, 0, 5060, 5060, 0, 300, 1, 2, 3, callId, 0, 255)).isTrue();
        assertThat(w.addV4(6, 0, 1, 9, 80, 80, 0, 900, 1, 2, 3)).as("nothing more in that message").isFalse();
        byte[] m = array(w.message());
        assertThat(m).hasSize(8 + 36 + 2 + 255 + 2 + 3);
        Collect c = new Collect();
        assertThat(SyncMessageReader.read(ByteBuffer.wrap(m), 0, c)).isNull();
        assertThat(c.conns).singleElement().satisfies(r -> assertThat(r.peData()).isEqualTo(callId));
        w.reset();
        assertThat(w.addV4(6, 0, 1, 9, 80, 80, 0, 900, 1, 2, 3)).isTrue();
        assertThat(w.addV4(6, 0, 1, 10, 80, 80, 0, 900, 1, 2, 3)).isTrue();
        assertThat(w.addV4(17, SyncProtocol.F_TEMPLATE, 0, 0, 5060, 5060, 0, 300, 1, 2, 3, callId, 0, 255))
                .as("beside others: only within the limit").isFalse();
    }

    @Test
    void sizeLimitsAreTheKernels() {
        assertThat(SyncProtocol.maxLength(true, 0, 9000, false)).isEqualTo(1472);   // master: 1500 - 28
        assertThat(SyncProtocol.maxLength(false, 0, 9000, false)).isEqualTo(8972);  // backup: MTU - 28
        assertThat(SyncProtocol.maxLength(false, 0, 576, false)).isEqualTo(1472);   // backup: MTU at least 1500
        assertThat(SyncProtocol.maxLength(true, 500, 1500, false)).isEqualTo(500);
        assertThat(SyncProtocol.maxLength(false, 500, 1500, false)).isEqualTo(1024);
        assertThat(SyncProtocol.maxLength(true, 0, 1500, true)).isEqualTo(1452);    // IPv6 + UDP: 48
    }
}
