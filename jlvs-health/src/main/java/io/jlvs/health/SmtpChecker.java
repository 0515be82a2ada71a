package io.jlvs.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** SMTP_CHECK: 220 banner, HELO answered 250, then QUIT; the whole dialogue bounded by connect_timeout. */
final class SmtpChecker implements HealthChecker {

    private static final int MAX_REPLY = 512;

    private final SmtpCheck params;
    private final CheckTarget target;
    private final CheckTiming timing;
    private final String server;

    SmtpChecker(SmtpCheck params, CheckTarget target, CheckTiming timing) {
        this.params = params;
        this.target = target;
        this.timing = timing;
        this.server = CheckSubject.pair(target.address(), target.port());
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.SMTP_CHECK;
    }

    @Override
    public CheckOutcome check() {
        Deadline deadline = Deadline.after(timing.connectTimeout());
        Socket socket;
        try {
            socket = ProbeSocket.connect(target, deadline);
        } catch (IOException e) {
            return CheckOutcome.down("Error connecting to server " + server, deadline.elapsed());
        }
        try (socket) {
            InputStream in = ProbeSocket.boundedInput(socket, deadline);
            OutputStream out = socket.getOutputStream();
            if (reply(in) != 220) {
                return CheckOutcome.down("Bad greeting banner from server " + server, deadline.elapsed());
            }
            out.write(("HELO " + params.heloName() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (reply(in) != 250) {
                return CheckOutcome.down("Bad HELO response from server " + server, deadline.elapsed());
            }
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return CheckOutcome.up("", deadline.elapsed());
        } catch (SocketTimeoutException e) {
            return CheckOutcome.down("Read timeout from server " + server, deadline.elapsed());
        } catch (IOException e) {
            return CheckOutcome.down("Read failure from server " + server, deadline.elapsed());
        }
    }

    /** Reads one (possibly multi-line "250-...") reply and returns its code, -1 when malformed. */
    private static int reply(InputStream in) throws IOException {
        while (true) {
            String line = line(in);
            if (line.length() < 3) {
                return -1;
            }
            int code;
            try {
                code = Integer.parseInt(line.substring(0, 3));
            } catch (NumberFormatException e) {
                return -1;
            }
            if (line.length() == 3 || line.charAt(3) != '-') {
                return code;
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() >= MAX_REPLY) {
                throw new IOException("SMTP reply line too long");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
