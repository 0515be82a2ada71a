package io.jlvs.health;

/** PING_CHECK: one ICMP echo, answered within connect_timeout. */
public record PingCheck(ConnectOptions connect) implements CheckerParams {

    public PingCheck {
        connect = connect == null ? ConnectOptions.DEFAULT : connect;
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.PING_CHECK;
    }
}
