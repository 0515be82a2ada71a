package io.jlvs.health;

/**
 * UDP_CHECK: send the payload (random when null) to a connected UDP socket. Without require_reply the check
 * passes unless an ICMP error (port unreachable) comes back within connect_timeout; with require_reply a reply
 * of min..max length must arrive and match the reply pattern (when given).
 */
public record UdpCheck(ConnectOptions connect, byte[] payload, boolean requireReply, HexPattern reply,
                       int minReplyLength, int maxReplyLength) implements CheckerParams {

    public static final int DEFAULT_MAX_REPLY_LENGTH = 255;

    public UdpCheck {
        connect = connect == null ? ConnectOptions.DEFAULT : connect;
        payload = payload == null ? null : payload.clone();
        maxReplyLength = maxReplyLength <= 0 ? DEFAULT_MAX_REPLY_LENGTH : maxReplyLength;
        if (minReplyLength < 0 || minReplyLength > maxReplyLength) {
            throw new IllegalArgumentException("min_reply_length must be in 0..max_reply_length");
        }
    }

    @Override
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.UDP_CHECK;
    }
}
