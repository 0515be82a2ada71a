package io.jlvs.cli.adm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** inet_pton as glibc 2.36 answers it (each row checked against a C program calling inet_pton on Debian 12). */
class InetPtonTest {

    @ParameterizedTest(name = "inet_pton(AF_INET, {0}) = {1}")
    @CsvSource(nullValues = "-", value = {
        "1.2.3.4, 1.2.3.4", "0.0.0.0, 0.0.0.0", "01.2.3.4, -", "1.2.3.04, -", "00.0.0.0, -", "1.2.3.256, -",
        "1.2.3, -", "1.2.3.4.5, -", "1.2.3.4., -", "0x1.2.3.4, -", "4294967295, -", "'1.2.3.4 x', -"})
    void v4(String text, String expected) {
        assertThat(InetPton.v4(text)).isEqualTo(expected == null ? null : IpAddress.parse(expected));
    }

    @ParameterizedTest(name = "inet_pton(AF_INET6, {0}) = {1}")
    @CsvSource(nullValues = "-", delimiter = ';', value = {
        "::; ::", "1::; 1::", "1:; -", ":1; -", "ff02::0001; ff02::1", "ff02::00001; -", "FF02::1; ff02::1",
        "ff02::1.2.3.4; ff02::102:304", "ff02::01.2.3.4; -", "ff02::1.2.3; -", "1.2.3.4::; -",
        "1:2:3:4:5:6:1.2.3.4; 1:2:3:4:5:6:102:304", "1:2:3:4:5:6:7:1.2.3.4; -", "1:2:3:4:5:6:7::; 1:2:3:4:5:6:7:0",
        "::0:0:0:0:0:0:0; ::", "::0:0:0:0:0:0:0:0; -", "1:2:3:4:5:6:7:8:9; -", "1::2::3; -", "ff02::1%eth0; -",
        "[ff02::1]; -", "::a.2.3.4; -", "1.2.3.4; -"})
    void v6(String text, String expected) {
        assertThat(InetPton.v6(text)).isEqualTo(expected == null ? null : IpAddress.parse(expected));
    }
}
