package io.jlvs.health;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The one DNS query DNS_CHECK sends (RD set, one question, class IN) and the checks on its reply. */
final class DnsMessage {

    private DnsMessage() {
    }

    static byte[] query(int id, DnsType type, String name) {
        ByteBuffer b = ByteBuffer.allocate(12 + 256 + 4);
        b.putShort((short) id);
        b.putShort((short) 0x0100); // RD
        b.putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            if (bytes.length > 63) {
                throw new IllegalArgumentException("DNS label longer than 63: " + label);
            }
            b.put((byte) bytes.length).put(bytes);
        }
        b.put((byte) 0);
        b.putShort((short) type.code()).putShort((short) 1);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** Is this a reply to our query: long enough, same id, QR set. */
    static boolean isReplyTo(byte[] reply, int length, int id) {
        return length >= 12 && ((reply[0] & 0xff) << 8 | reply[1] & 0xff) == id && (reply[2] & 0x80) != 0;
    }

    static int rcode(byte[] reply) {
        return reply[3] & 0x0f;
    }

    static int answerCount(byte[] reply) {
        return (reply[6] & 0xff) << 8 | reply[7] & 0xff;
    }
}
