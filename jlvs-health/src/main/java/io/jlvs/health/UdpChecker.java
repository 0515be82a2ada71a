package io.jlvs.health;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.random.RandomGenerator;

/**
 * UDP_CHECK: send the payload on a connected socket. Without require_reply, silence until connect_timeout is
 * success and an ICMP port unreachable (seen as PortUnreachableException) is failure, as keepalived.
 */
final class UdpChecker implements HealthChecker {

    private final UdpCheck params;
    private final CheckTarget target;
    private final CheckTiming timing;
    private final RandomGenerator random;
    private final String label;

    UdpChecker(UdpCheck params, CheckTarget target, CheckTiming timing, CheckSubject subject, RandomGenerator random) {
        this.params = params;
        this.target = target;
        this.timing = timing;
        this.random = random;
        this.label = subject.realServerLabel();
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.UDP_CHECK;
    }

    @Override
    public CheckOutcome check() {
        Deadline deadline = Deadline.after(timing.connectTimeout());
        byte[] payload = params.payload();
        if (payload == null) {
            payload = new byte[16];
            random.nextBytes(payload);
        }
        try (DatagramSocket socket = new DatagramSocket(target.localAddress())) {
            socket.connect(target.socketAddress());
            socket.send(new DatagramPacket(payload, payload.length));
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout(deadline.remainingMillis());
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return params.requireReply()
                        ? CheckOutcome.down(CheckLog.udpFailed(label), deadline.elapsed())
                        : CheckOutcome.up(CheckLog.udpSuccess(label), deadline.elapsed());
            }
            int len = p.getLength();
            if (params.requireReply() && (len < params.minReplyLength() || len > params.maxReplyLength()
                    || params.reply() != null && !params.reply().matches(buf, len))) {
                return CheckOutcome.down(CheckLog.udpMismatch(label), deadline.elapsed());
            }
            return CheckOutcome.up(CheckLog.udpSuccess(label), deadline.elapsed());
        } catch (IOException e) {
            return CheckOutcome.down(CheckLog.udpFailed(label), deadline.elapsed());
        }
    }
}
