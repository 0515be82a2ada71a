package io.jlvs.packet.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring's side pool for templates' Call-IDs: data leaves with its own record, in order; a full pool drops. */
class SyncEventRingPeTest {
    private static boolean offer(SyncEventRing ring, int n) {
        byte[] id = ("call-" + n + "@host").getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[255];
        System.arraycopy(id, 0, buffer, 0, id.length);
        return ring.offer(17, SyncProtocol.F_TEMPLATE, 0, 0, 5060, 5060, 0, 300, n, 0x0a4d0064, 0x0a00000b,
                buffer, id.length);
    }

    private static List<SyncConn> drain(SyncEventRing ring) {
        List<SyncConn> out = new ArrayList<>();
        while (!ring.isEmpty()) {
            SyncMessageWriter w = new SyncMessageWriter(0, 1472);
            ring.drainTo(w);
            SyncMessageReader.read(w.message(), 0, new SyncMessageReader.Sink() {
                @Override
                public void accept(SyncConn conn) {
                    out.add(conn);
                }

                @Override
                public void dropped(SyncDropReason reason) {
                    throw new AssertionError(reason);
                }
            });
        }
        return out;
    }

    @Test
    void eachTemplateLeavesWithItsOwnCallIdAndAFullPoolDrops() {
        SyncEventRing ring = new SyncEventRing(4096);
        for (int n = 0; n < 1024; n++) {
            assertThat(offer(ring, n)).isTrue();
        }
        assertThat(offer(ring, 1024)).as("pool of 1024 full").isFalse();
        assertThat(ring.dropped()).isEqualTo(1);
        // a record without data still fits in the ring
        assertThat(ring.offer(17, 0, 0, 5060, 5060, 5060, 0, 300, 1, 2, 3)).isTrue();
        List<SyncConn> sent = drain(ring);
        assertThat(sent).hasSize(1025);
        for (int n = 0; n < 1024; n++) {
            SyncConn c = sent.get(n);
            assertThat(c.peName()).isEqualTo("sip");
            assertThat(new String(c.peData(), StandardCharsets.US_ASCII)).isEqualTo("call-" + n + "@host");
            assertThat(c.client().v4()).isEqualTo(n);
        }
        assertThat(sent.get(1024).peData()).isNull();
        // the cells came back
        for (int n = 0; n < 1024; n++) {
            assertThat(offer(ring, 2000 + n)).isTrue();
        }
        assertThat(drain(ring)).extracting(c -> new String(c.peData(), StandardCharsets.US_ASCII))
                .startsWith("call-2000@host").endsWith("call-3023@host");
    }

    @Test
    void aFullMessageLeavesTheRecordAndItsDataForTheNext() {
        SyncEventRing ring = new SyncEventRing(64);
        for (int n = 0; n < 40; n++) {
            assertThat(offer(ring, n)).isTrue();
        }
        SyncMessageWriter small = new SyncMessageWriter(0, 200);
        int first = ring.drainTo(small);
        assertThat(first).isBetween(1, 39);
        List<SyncConn> rest = drain(ring);
        assertThat(rest).hasSize(40 - first);
        assertThat(new String(rest.get(0).peData(), StandardCharsets.US_ASCII)).isEqualTo("call-" + first + "@host");
    }
}
