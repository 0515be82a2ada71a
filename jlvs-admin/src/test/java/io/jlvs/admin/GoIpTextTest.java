package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** node_exporter's address labels, as Go's net.IP.String() writes them (expected texts from Go's rules). */
class GoIpTextTest {
    @ParameterizedTest
    @CsvSource({
            "10.1.2.3, 10.1.2.3",
            "::ffff:10.1.2.3, 10.1.2.3",
            "::1.2.3.4, ::102:304",
            "::, ::",
            "::1, ::1",
            "1::, 1::",
            "2001:db8::1, 2001:db8::1",
            "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
            "2001:0:0:1:0:0:2:3, 2001::1:0:0:2:3",
            "2001:db8:0:1:2:3:4:5, 2001:db8:0:1:2:3:4:5",
            "FE80::ABCD, fe80::abcd",
            "2001:db8:5e:0:0:0:0:102, 2001:db8:5e::102",
    })
    void writesAsGo(String address, String expected) {
        assertThat(GoIpText.of(IpAddress.parse(address))).isEqualTo(expected);
    }
}
