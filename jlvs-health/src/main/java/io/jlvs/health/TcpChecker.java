package io.jlvs.health;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** TCP_CHECK: connect, then close. */
final class TcpChecker implements HealthChecker {

    private final CheckTarget target;
    private final CheckTiming timing;
    private final String label;

    TcpChecker(CheckTarget target, CheckTiming timing, CheckSubject subject) {
        this.target = target;
        this.timing = timing;
        this.label = subject.realServerLabel();
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.TCP_CHECK;
    }

    @Override
    public CheckOutcome check() {
        Deadline deadline = Deadline.after(timing.connectTimeout());
        try (Socket ignored = ProbeSocket.connect(target, deadline)) {
            return CheckOutcome.up(CheckLog.tcpSuccess(label), deadline.elapsed());
        } catch (SocketTimeoutException e) {
            return CheckOutcome.down(CheckLog.tcpTimeout(label), deadline.elapsed());
        } catch (IOException e) {
            return CheckOutcome.down(CheckLog.tcpFailed(label), deadline.elapsed());
        }
    }
}
