package io.jlvs.health;

/**
 * DNS_CHECK: send one query over UDP (type default SOA, name default "."); up when a response with the same id,
 * QR set and RCODE NOERROR arrives. {@code requireAnswer} additionally needs ANCOUNT >= 1 (our addition,
 * default on; keepalived only checks the RCODE).
 */
public record DnsCheck(ConnectOptions connect, DnsType type, String name, boolean requireAnswer)
        implements CheckerParams {

    public DnsCheck {
        connect = connect == null ? ConnectOptions.DEFAULT : connect;
        type = type == null ? DnsType.SOA : type;
        name = name == null || name.isEmpty() ? "." : name;
    }

    public static DnsCheck of(DnsType type, String name) {
        return new DnsCheck(null, type, name, true);
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.DNS_CHECK;
    }
}
