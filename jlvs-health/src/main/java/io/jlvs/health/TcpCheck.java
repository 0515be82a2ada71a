package io.jlvs.health;

/** TCP_CHECK: the real server is up when a TCP connection completes within connect_timeout. */
public record TcpCheck(ConnectOptions connect) implements CheckerParams {

    public TcpCheck {
        connect = connect == null ? ConnectOptions.DEFAULT : connect;
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.TCP_CHECK;
    }
}
