package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.sched.SchedulerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulersTest {

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"})
    void everyIpvsSchedulerIsFoundByItsIpvsadmName(String name) {
        assertThat(Schedulers.find(name)).isPresent();
        assertThat(Schedulers.create(name, SchedulerOptions.defaults()).name()).isEqualTo(name);
    }

    @Test
    void namesAreExactlyTheFourteenIpvsSchedulers() {
        assertThat(Schedulers.names()).containsExactlyInAnyOrder(
                "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");
    }

    @Test
    void unknownSchedulerIsAClearError() {
        assertThat(Schedulers.find("wlcx")).isEmpty();
        assertThatThrownBy(() -> Schedulers.create("wlcx", SchedulerOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown scheduler 'wlcx'")
                .hasMessageContaining("wlc");
    }

    @Test
    void namesAreCaseSensitiveAsInIpvsadm() {
        assertThat(Schedulers.find("WLC")).isEmpty();
        assertThat(Schedulers.find(null)).isEmpty();
    }

    @Test
    void eachCreateReturnsAFreshInstance() {
        assertThat(Schedulers.create("rr", null)).isNotSameAs(Schedulers.create("rr", null));
    }

    @Test
    void mhRejectsATableSizeThatIsNotPrime() {
        SchedulerOptions opts = new SchedulerOptions(null, 4096, 1);
        assertThatThrownBy(() -> Schedulers.create("mh", opts))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prime");
    }
}
