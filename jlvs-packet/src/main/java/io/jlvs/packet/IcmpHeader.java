package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/** ICMPv4 header (RFC 792): type, code, checksum and the 4-byte rest (next-hop MTU for frag-needed). */
public final class IcmpHeader {
    public static final int LENGTH = 8;
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int REST = 4;
    public static final int NEXT_HOP_MTU = 6;
    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACH = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    public static final int CODE_PORT_UNREACH = 3;
    public static final int CODE_FRAG_NEEDED = 4;
    public static final int CODE_TTL_EXCEEDED = 0;

    private IcmpHeader() {
    }

    public static int type(MemorySegment s, long off) {
        return Wire.u8(s, off + TYPE);
    }

    public static int code(MemorySegment s, long off) {
        return Wire.u8(s, off + CODE);
    }

    /** True for the error types that quote the offending datagram. */
    public static boolean isError(int type) {
        return type == TYPE_DEST_UNREACH || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
                || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }

    /** Recomputes the checksum over the {@code length} bytes of the ICMP message. */
    public static void fillChecksum(MemorySegment s, long off, int length) {
        Wire.u16(s, off + CHECKSUM, 0);
        Wire.u16(s, off + CHECKSUM, InternetChecksum.finish(InternetChecksum.sum(s, off, length, 0)));
    }
}
