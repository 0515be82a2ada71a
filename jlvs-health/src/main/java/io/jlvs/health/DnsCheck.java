package io.jlvs.health;

/**
 * DNS_CHECK: send one query over UDP (type default SOA, name default "."); up when a response with the same id,
 * QR set and RCODE NOERROR arrives, answers or not (keepalived's {@code dns_recv_thread} looks at the RCODE only).
 * {@code requireAnswer} additionally needs ANCOUNT >= 1 (our addition, off unless asked for: keepalived.conf
 * cannot ask for it).
 */
public record DnsCheck(ConnectOptions connect, DnsType type, String name, boolean requireAnswer)
        implements CheckerParams {

    public DnsCheck {
        connect = connect == null ? ConnectOptions.DEFAULT : connect;
        type = type == null ? DnsType.SOA : type;
        name = name == null || name.isEmpty() ? "." : name;
    }

    public static DnsCheck of(DnsType type, String name) {
        return new DnsCheck(null, type, name, false);
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.DNS_CHECK;
    }
}
