package io.jlvs.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import org.junit.jupiter.api.Test;

class DestinationStateTest {

    private static DestinationState server(int upper, int lower) {
        return new DestinationState(new RealServer(IpAddress.parse("10.0.0.1"), 80, ForwardingMethod.MASQ, 1,
                upper, lower, null, 0, null));
    }

    @Test
    void overloadSetAtUpperThresholdAndClearedBelowLower() {
        DestinationState d = server(4, 2);
        for (int i = 0; i < 3; i++) {
            d.bind(false);
        }
        assertThat(d.overloaded()).isFalse();
        d.bind(false);
        assertThat(d.overloaded()).as("4 of 4").isTrue();
        d.unbind(false, false);
        d.unbind(false, false);
        assertThat(d.overloaded()).as("2 is not below lower 2").isTrue();
        d.unbind(false, false);
        assertThat(d.overloaded()).as("1 < 2").isFalse();
    }

    @Test
    void withoutLowerThresholdClearsBelowThreeQuartersOfUpper() {
        DestinationState d = server(8, 0);
        for (int i = 0; i < 8; i++) {
            d.bind(false);
        }
        assertThat(d.overloaded()).isTrue();
        d.unbind(false, false);
        d.unbind(false, false);
        assertThat(d.overloaded()).as("6*4 = 24 is not < 24").isTrue();
        d.unbind(false, false);
        assertThat(d.overloaded()).as("5*4 < 24").isFalse();
    }

    @Test
    void activeInactiveAndPersistentCounts() {
        DestinationState d = server(0, 0);
        d.bind(false);
        d.bind(true);
        assertThat(d.inactiveConns()).isEqualTo(1);
        assertThat(d.persistConns()).isEqualTo(1);
        d.activate(true);
        assertThat(d.activeConns()).isEqualTo(1);
        assertThat(d.inactiveConns()).isZero();
        d.unbind(false, true);
        d.unbind(true, false);
        assertThat(d.activeConns() + d.inactiveConns() + d.persistConns()).isZero();
        assertThat(d.overloaded()).isFalse();
    }
}
