package io.jlvs.vrrp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RiseFallTest {

    @Test
    void goesDownAfterFallConsecutiveFailuresAndUpAfterRiseSuccesses() {
        RiseFall rf = new RiseFall(3, 2, true);
        assertThat(rf.record(false)).isFalse();
        assertThat(rf.record(true)).isFalse();   // the failure streak is broken
        assertThat(rf.record(false)).isFalse();
        assertThat(rf.record(false)).isTrue();
        assertThat(rf.up()).isFalse();
        assertThat(rf.record(true)).isFalse();
        assertThat(rf.record(true)).isFalse();
        assertThat(rf.record(false)).isFalse();  // the success streak is broken
        assertThat(rf.record(true)).isFalse();
        assertThat(rf.record(true)).isFalse();
        assertThat(rf.record(true)).isTrue();
        assertThat(rf.up()).isTrue();
    }
}
