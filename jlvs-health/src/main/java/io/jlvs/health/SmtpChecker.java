package io.jlvs.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * SMTP_CHECK as keepalived's check_smtp.c: the first line of the banner must be "220" followed by a space (or
 * nothing), the first line of the answer to HELO "250" likewise, and QUIT must be answered with a line (any).
 * A multi-line "220-" banner is a bad banner, as in keepalived. The whole dialogue is bounded by connect_timeout.
 */
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
        } catch (SocketTimeoutException e) {
            return CheckOutcome.down("Connection timeout to server " + server, deadline.elapsed());
        } catch (IOException e) {
            return CheckOutcome.down("Could not connect to server " + server, deadline.elapsed());
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
            line(in); // any answer will do, but one must come
            return CheckOutcome.up("", deadline.elapsed());
        } catch (SocketTimeoutException e) {
            return CheckOutcome.down("Read timeout from server " + server, deadline.elapsed());
        } catch (IOException e) {
            return CheckOutcome.down("Read failure from server " + server, deadline.elapsed());
        }
    }

    /** The code of a reply's first line as smtp_get_status reads it: three digits, then a space or nothing. */
    private static int reply(InputStream in) throws IOException {
        String line = line(in);
        if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ')) {
            return -1;
        }
        for (int i = 0; i < 3; i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(line.substring(0, 3));
    }

    /** One line without its newline (a carriage return stays, as in keepalived); the stream ending first fails. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() >= MAX_REPLY) {
                throw new IOException("SMTP reply line too long");
            }
            b.write(c);
        }
        if (c < 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
