package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.packet.FwmarkRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --fwmark-rule MARK:PROTO:ADDRESSES[:PORTS]}, as an SRE writes the iptables MARK rule beside -f. */
class FwmarkRulesTest {

    private static FwmarkRule rule(Protocol p, String from, String to, int portFrom, int portTo, int mark) {
        return new FwmarkRule(p, IpAddress.parse(from), IpAddress.parse(to), portFrom, portTo, mark);
    }

    @Test
    void oneAddressAndAPortListGiveARulePerPort() {
        assertThat(FwmarkRules.parse("1:tcp:192.0.2.10:80,443")).containsExactly(
                rule(Protocol.TCP, "192.0.2.10", "192.0.2.10", 80, 80, 1),
                rule(Protocol.TCP, "192.0.2.10", "192.0.2.10", 443, 443, 1));
    }

    @Test
    void prefixesRangesHexMarksAllProtocolsAndEveryPort() {
        assertThat(FwmarkRules.parse("0x10:all:192.0.2.77/24")).containsExactly(
                rule(null, "192.0.2.0", "192.0.2.255", 0, 65535, 16));
        assertThat(FwmarkRules.parse("4294967295:UDP:198.51.100.1-198.51.100.9:5000-5100,53")).containsExactly(
                rule(Protocol.UDP, "198.51.100.1", "198.51.100.9", 5000, 5100, -1),
                rule(Protocol.UDP, "198.51.100.1", "198.51.100.9", 53, 53, -1));
        assertThat(FwmarkRules.parse("3:sctp:0.0.0.0/0:5060")).containsExactly(
                rule(Protocol.SCTP, "0.0.0.0", "255.255.255.255", 5060, 5060, 3));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "1:tcp                          | expected MARK:PROTO:ADDRESSES[:PORTS]",
        "0:tcp:192.0.2.10:80            | mark 0 is not 1 to 4294967295",
        "4294967296:tcp:192.0.2.10      | mark 4294967296 is not 1 to 4294967295",
        "web:tcp:192.0.2.10             | mark 'web' is not a number",
        "1:icmp:192.0.2.10              | protocol 'icmp' is not tcp, udp, sctp or all",
        "1:tcp:192.0.2.300              | '192.0.2.300' is not an IPv4 address",
        "1:tcp:2001:db8::1              | expected MARK:PROTO:ADDRESSES[:PORTS]",
        "1:tcp:192.0.2.10/33            | prefix length /33 is not 0 to 32",
        "1:tcp:192.0.2.10-192.0.2.1     | address range 192.0.2.10-192.0.2.1 is empty",
        "1:tcp:192.0.2.10:              | no ports after the last ':'",
        "1:tcp:192.0.2.10:80,,443       | port '' is not a number",
        "1:tcp:192.0.2.10:70000         | port 70000 is not 0 to 65535",
        "1:tcp:192.0.2.10:90-80         | port range 90-80 is empty",
    })
    void aBadRuleIsRefusedSayingWhatIsWrong(String spec, String why) {
        assertThatThrownBy(() -> FwmarkRules.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad --fwmark-rule '" + spec + "': ").hasMessageContaining(why);
    }
}
