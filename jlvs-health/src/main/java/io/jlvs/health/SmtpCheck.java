package io.jlvs.health;

/** SMTP_CHECK: expect a 220 banner, send HELO (250 expected), then QUIT. */
public record SmtpCheck(ConnectOptions connect, String heloName) implements CheckerParams {

    /** keepalived's default helo_name. */
    public static final String DEFAULT_HELO = "smtpchecker.keepalived.org";

    public SmtpCheck {
        connect = connect == null ? ConnectOptions.DEFAULT : connect;
        heloName = heloName == null || heloName.isBlank() ? DEFAULT_HELO : heloName;
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.SMTP_CHECK;
    }
}
