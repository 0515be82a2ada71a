package io.jlvs.health;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.random.RandomGenerator;

/** DNS_CHECK: one UDP query; replies with another id (or not a reply) are ignored until the deadline. */
final class DnsChecker implements HealthChecker {

    private final DnsCheck params;
    private final CheckTarget target;
    private final CheckTiming timing;
    private final RandomGenerator random;

    DnsChecker(DnsCheck params, CheckTarget target, CheckTiming timing, RandomGenerator random) {
        this.params = params;
        this.target = target;
        this.timing = timing;
        this.random = random;
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.DNS_CHECK;
    }

    @Override
    public CheckOutcome check() {
        Deadline deadline = Deadline.after(timing.connectTimeout());
        int id = random.nextInt(1 << 16);
        byte[] query = DnsMessage.query(id, params.type(), params.name());
        try (DatagramSocket socket = new DatagramSocket(target.localAddress())) {
            socket.connect(target.socketAddress());
            socket.send(new DatagramPacket(query, query.length));
            byte[] buf = new byte[1500];
            while (true) {
                socket.setSoTimeout(deadline.remainingMillis());
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (!DnsMessage.isReplyTo(buf, p.getLength(), id)) {
                    continue;
                }
                int rcode = DnsMessage.rcode(buf);
                if (rcode != 0) {
                    return CheckOutcome.down("read error occurred. (rcode = " + rcode + ")", deadline.elapsed());
                }
                if (params.requireAnswer() && DnsMessage.answerCount(buf) == 0) {
                    return CheckOutcome.down("no answer in reply.", deadline.elapsed());
                }
                return CheckOutcome.up("", deadline.elapsed());
            }
        } catch (SocketTimeoutException e) {
            return CheckOutcome.down("read timeout from socket", deadline.elapsed());
        } catch (PortUnreachableException e) {
            return CheckOutcome.down("failed to read socket; errno 111 (Connection refused)", deadline.elapsed());
        } catch (IOException e) {
            return CheckOutcome.down("failed to read socket; " + e.getMessage(), deadline.elapsed());
        }
    }
}
