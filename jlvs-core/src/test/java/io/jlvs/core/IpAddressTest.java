package io.jlvs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, 10.0.0.1",
        "[2001:db8::80], 2001:db8::80",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "::, ::",
        "::1, ::1",
        "2001:db8::, 2001:db8::",
        "1:0:0:1:0:0:0:1, 1:0:0:1::1",
        "1:0:1:0:1:0:1:0, 1:0:1:0:1:0:1:0",
        "::ffff:10.1.2.3, ::ffff:10.1.2.3",
        "fe80::1:2, fe80::1:2",
    })
    void printsAsInetNtop(String in, String out) {
        assertThat(IpAddress.parse(in).toString()).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.256", "1.2.3.4.5", "a.b.c.d", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9",
        "example.com", "1.2.3.-4"})
    void refusesWhatIsNotANumericAddress(String bad) {
        assertThatThrownBy(() -> IpAddress.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IP address");
    }

    @Test
    void agreesWithTheJdkOnRandomAddresses() throws Exception {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[i % 2 == 0 ? 4 : 16];
            r.nextBytes(b);
            if (b.length == 16 && i % 3 == 0) {
                for (int j = 4; j < 12; j++) {
                    b[j] = 0;
                }
            }
            IpAddress a = IpAddress.of(b);
            assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
            assertThat(a.toInetAddress()).isEqualTo(InetAddress.getByAddress(b));
        }
    }

    @Test
    void ordersByFamilyThenUnsignedValue() {
        assertThat(IpAddress.parse("10.0.0.2")).isGreaterThan(IpAddress.parse("10.0.0.1"));
        assertThat(IpAddress.parse("200.0.0.1")).isGreaterThan(IpAddress.parse("10.0.0.1"));
        assertThat(IpAddress.parse("::1")).isGreaterThan(IpAddress.parse("255.255.255.255"));
        assertThat(IpAddress.parse("ff00::")).isGreaterThan(IpAddress.parse("2001::"));
    }

    @Test
    void masksForPersistenceGranularity() {
        assertThat(IpAddress.parse("192.168.1.77").mask(24)).isEqualTo(IpAddress.parse("192.168.1.0"));
        assertThat(IpAddress.parse("192.168.1.77").mask(32)).isEqualTo(IpAddress.parse("192.168.1.77"));
        assertThat(IpAddress.parse("2001:db8:1:2:3:4:5:6").mask(64)).isEqualTo(IpAddress.parse("2001:db8:1:2::"));
        assertThat(IpAddress.parse("2001:db8:1:2:3:4:5:6").mask(80)).isEqualTo(IpAddress.parse("2001:db8:1:2:3::"));
        assertThat(IpAddress.parse("2001:db8::1").withPort(80)).isEqualTo("[2001:db8::1]:80");
    }
}
