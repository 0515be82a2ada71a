package io.jlvs.health.bfd;

/**
 * A BFD control packet, the 24-byte mandatory section of RFC 5880 4.1 (no authentication section).
 * Intervals are in microseconds, as on the wire.
 */
public record BfdPacket(
        BfdDiag diag,
        BfdState state,
        boolean poll,
        boolean fin,
        boolean controlPlaneIndependent,
        boolean authentication,
        boolean demand,
        boolean multipoint,
        int detectMult,
        int length,
        int myDiscriminator,
        int yourDiscriminator,
        long desiredMinTxMicros,
        long requiredMinRxMicros,
        long requiredMinEchoRxMicros) {

    public static final int VERSION = 1;
    public static final int MANDATORY_LENGTH = 24;

    /** A packet as a session sends it: version 1, no authentication, no demand, length 24. */
    public static BfdPacket control(BfdDiag diag, BfdState state, boolean poll, boolean fin, int detectMult,
                                    int myDiscriminator, int yourDiscriminator, long desiredMinTxMicros,
                                    long requiredMinRxMicros) {
        return new BfdPacket(diag, state, poll, fin, false, false, false, false, detectMult, MANDATORY_LENGTH,
                myDiscriminator, yourDiscriminator, desiredMinTxMicros, requiredMinRxMicros, 0);
    }

    /** The 24 bytes on the wire. */
    public byte[] encode() {
        byte[] b = new byte[MANDATORY_LENGTH];
        b[0] = (byte) (VERSION << 5 | diag.code() & 0x1f);
        b[1] = (byte) (state.code() << 6 | (poll ? 0x20 : 0) | (fin ? 0x10 : 0) | (controlPlaneIndependent ? 0x08 : 0)
                | (authentication ? 0x04 : 0) | (demand ? 0x02 : 0) | (multipoint ? 0x01 : 0));
        b[2] = (byte) detectMult;
        b[3] = (byte) length;
        putInt(b, 4, myDiscriminator);
        putInt(b, 8, yourDiscriminator);
        putInt(b, 12, (int) desiredMinTxMicros);
        putInt(b, 16, (int) requiredMinRxMicros);
        putInt(b, 20, (int) requiredMinEchoRxMicros);
        return b;
    }

    /**
     * Reads a received datagram and applies the packet-only checks of RFC 5880 6.8.6 (version, length, detect
     * multiplier, multipoint, my discriminator, authentication).
     *
     * @throws BfdDropException with the reason the packet must be discarded
     */
    public static BfdPacket decode(byte[] data, int datagramLength) throws BfdDropException {
        if (datagramLength < MANDATORY_LENGTH || data.length < datagramLength) {
            throw new BfdDropException(BfdDropReason.BAD_LENGTH);
        }
        int version = (data[0] & 0xff) >>> 5;
        if (version != VERSION) {
            throw new BfdDropException(BfdDropReason.BAD_VERSION);
        }
        int flags = data[1] & 0xff;
        boolean auth = (flags & 0x04) != 0;
        int length = data[3] & 0xff;
        if (length < (auth ? MANDATORY_LENGTH + 2 : MANDATORY_LENGTH) || length > datagramLength) {
            throw new BfdDropException(BfdDropReason.BAD_LENGTH);
        }
        int detectMult = data[2] & 0xff;
        if (detectMult == 0) {
            throw new BfdDropException(BfdDropReason.ZERO_DETECT_MULT);
        }
        if ((flags & 0x01) != 0) {
            throw new BfdDropException(BfdDropReason.MULTIPOINT);
        }
        int myDisc = getInt(data, 4);
        if (myDisc == 0) {
            throw new BfdDropException(BfdDropReason.ZERO_MY_DISCRIMINATOR);
        }
        if (auth) {
            throw new BfdDropException(BfdDropReason.AUTHENTICATION);
        }
        BfdDiag diag = BfdDiag.of(data[0] & 0x1f);
        return new BfdPacket(diag == null ? BfdDiag.NONE : diag, BfdState.of(flags >>> 6), (flags & 0x20) != 0,
                (flags & 0x10) != 0, (flags & 0x08) != 0, false, (flags & 0x02) != 0, false, detectMult, length,
                myDisc, getInt(data, 8), Integer.toUnsignedLong(getInt(data, 12)),
                Integer.toUnsignedLong(getInt(data, 16)), Integer.toUnsignedLong(getInt(data, 20)));
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
