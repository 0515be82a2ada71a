package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class EventLogTest {
    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void eventsComeBackInOrderAfterTheSeqAClientLastSaw() {
        EventLog log = new EventLog(8, InstantSource.fixed(T0));
        log.record(EventLog.CONFIG, "a");
        log.record(EventLog.CHECKER, "b");
        log.record(EventLog.RELOAD, "c");

        assertThat(log.since(0)).extracting(AdminEvent::message).containsExactly("a", "b", "c");
        assertThat(log.since(2)).singleElement().satisfies(e -> {
            assertThat(e.seq()).isEqualTo(3);
            assertThat(e.kind()).isEqualTo("reload");
            assertThat(e.time()).isEqualTo(T0);
        });
        assertThat(log.since(3)).isEmpty();
        assertThat(log.lastSeq()).isEqualTo(3);
    }

    @Test
    void onlyTheLastCapacityEventsAreKept() {
        EventLog log = new EventLog(3, InstantSource.fixed(T0));
        for (int i = 1; i <= 10; i++) {
            log.record(EventLog.CONFIG, "e" + i);
        }
        assertThat(log.since(0)).extracting(AdminEvent::message).containsExactly("e8", "e9", "e10");
        assertThat(log.since(8)).extracting(AdminEvent::seq).containsExactly(9L, 10L);
        assertThat(log.since(-5)).hasSize(3);
    }
}
