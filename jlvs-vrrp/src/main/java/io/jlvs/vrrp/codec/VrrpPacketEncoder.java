package io.jlvs.vrrp.codec;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Builds VRRP advertisements as whole IP packets, byte for byte as keepalived 2.2.7 sends them:
 * IPv4 header with TOS 0xc0, no DF, TTL 255, protocol 112 and a computed header checksum;
 * IPv6 header with traffic class 0xc0, flow label 0, hop limit 255.
 * The VRRP checksum covers the VRRP packet (v2) or also the IPv4/IPv6 pseudo-header (v3).
 */
public final class VrrpPacketEncoder {
    /** IP protocol number of VRRP. */
    public static final int IPPROTO_VRRP = 112;
    /** TTL / hop limit a VRRP packet must be sent and received with (RFC 3768 5.2.3, RFC 5798 5.1.1.3). */
    public static final int VRRP_TTL = 255;
    /** The IPv4 group 224.0.0.18. */
    public static final IpAddress MCAST_GROUP4 = IpAddress.parse("224.0.0.18");
    /** The IPv6 group ff02::12. */
    public static final IpAddress MCAST_GROUP6 = IpAddress.parse("ff02::12");

    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private VrrpPacketEncoder() {
    }

    /** The whole IP packet, TTL / hop limit 255. {@code ipId} is the IPv4 identification (keepalived counts from 1). */
    public static byte[] encode(VrrpAdvertisement adv, IpAddress source, IpAddress destination, int ipId) {
        return encode(adv, source, destination, VRRP_TTL, ipId);
    }

    /** The whole IP packet with a given TTL / hop limit (unicast peers may use another TTL). */
    public static byte[] encode(VrrpAdvertisement adv, IpAddress source, IpAddress destination, int ttl, int ipId) {
        checkFamily(adv, source, destination);
        int header = adv.family() == AddressFamily.INET ? 20 : 40;
        byte[] out = new byte[header + adv.vrrpLength()];
        MemorySegment seg = MemorySegment.ofArray(out);
        if (adv.family() == AddressFamily.INET) {
            writeIpv4Header(seg, out.length, ttl, ipId, source, destination);
        } else {
            writeIpv6Header(seg, adv.vrrpLength(), ttl, source, destination);
        }
        writeVrrp(adv, source, destination, seg, header);
        return out;
    }

    /** Only the VRRP part (what a raw IPv6 socket is given), checksum included. */
    public static byte[] encodeVrrp(VrrpAdvertisement adv, IpAddress source, IpAddress destination) {
        checkFamily(adv, source, destination);
        byte[] out = new byte[adv.vrrpLength()];
        writeVrrp(adv, source, destination, MemorySegment.ofArray(out), 0);
        return out;
    }

    /** Writes the VRRP part at {@code offset} and returns its length. */
    public static int writeVrrp(VrrpAdvertisement adv, IpAddress source, IpAddress destination,
                                MemorySegment out, long offset) {
        int len = adv.vrrpLength();
        out.set(ValueLayout.JAVA_BYTE, offset, (byte) ((adv.version().number() << 4) | VrrpAdvertisement.TYPE_ADVERTISEMENT));
        out.set(ValueLayout.JAVA_BYTE, offset + 1, (byte) adv.vrid());
        out.set(ValueLayout.JAVA_BYTE, offset + 2, (byte) adv.priority());
        out.set(ValueLayout.JAVA_BYTE, offset + 3, (byte) adv.addresses().size());
        if (adv.version() == VrrpVersion.V2) {
            out.set(ValueLayout.JAVA_BYTE, offset + 4, (byte) adv.authType().code());
            out.set(ValueLayout.JAVA_BYTE, offset + 5, (byte) (adv.advertIntervalCentis() / 100));
        } else {
            out.set(BE_SHORT, offset + 4, (short) (adv.advertIntervalCentis() & 0x0fff));
        }
        out.set(BE_SHORT, offset + 6, (short) 0);
        long p = offset + 8;
        for (IpAddress a : adv.addresses()) {
            byte[] raw = a.toBytes();
            MemorySegment.copy(raw, 0, out, ValueLayout.JAVA_BYTE, p, raw.length);
            p += raw.length;
        }
        if (adv.version() == VrrpVersion.V2 && adv.family() == AddressFamily.INET) {
            MemorySegment.copy(adv.authData(), 0, out, ValueLayout.JAVA_BYTE, p, VrrpAdvertisement.AUTH_DATA_LENGTH);
        }
        int sum = checksum(adv.version(), source, destination, out, offset, len);
        out.set(BE_SHORT, offset + 6, (short) sum);
        return len;
    }

    /**
     * The VRRP checksum of {@code length} bytes at {@code offset} (checksum field included as it is: zero when
     * computing, the received value when verifying, where a valid packet gives 0).
     */
    static int checksum(VrrpVersion version, IpAddress source, IpAddress destination,
                        MemorySegment vrrp, long offset, int length) {
        long sum = 0;
        if (version == VrrpVersion.V3) {
            sum = pseudoHeader(source, destination, length);
        }
        return InternetChecksum.finish(InternetChecksum.add(sum, vrrp, offset, length));
    }

    private static long pseudoHeader(IpAddress source, IpAddress destination, int length) {
        long sum = 0;
        for (byte[] raw : new byte[][] {source.toBytes(), destination.toBytes()}) {
            sum = InternetChecksum.add(sum, MemorySegment.ofArray(raw), 0, raw.length);
        }
        sum = InternetChecksum.addWord(sum, IPPROTO_VRRP);
        sum = InternetChecksum.addWord(sum, length);
        if (!source.isV4()) {
            sum = InternetChecksum.addWord(sum, length >>> 16);
        }
        return sum;
    }

    private static void writeIpv4Header(MemorySegment seg, int totalLength, int ttl, int ipId,
                                        IpAddress source, IpAddress destination) {
        seg.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x45);
        seg.set(ValueLayout.JAVA_BYTE, 1, (byte) 0xc0);
        seg.set(BE_SHORT, 2, (short) totalLength);
        seg.set(BE_SHORT, 4, (short) ipId);
        seg.set(BE_SHORT, 6, (short) 0);
        seg.set(ValueLayout.JAVA_BYTE, 8, (byte) ttl);
        seg.set(ValueLayout.JAVA_BYTE, 9, (byte) IPPROTO_VRRP);
        seg.set(BE_SHORT, 10, (short) 0);
        seg.set(BE_INT, 12, source.v4());
        seg.set(BE_INT, 16, destination.v4());
        seg.set(BE_SHORT, 10, (short) InternetChecksum.finish(InternetChecksum.add(0, seg, 0, 20)));
    }

    private static void writeIpv6Header(MemorySegment seg, int payloadLength, int hopLimit,
                                        IpAddress source, IpAddress destination) {
        // version 6, traffic class 0xc0, flow label 0
        seg.set(BE_INT, 0, (6 << 28) | (0xc0 << 20));
        seg.set(BE_SHORT, 4, (short) payloadLength);
        seg.set(ValueLayout.JAVA_BYTE, 6, (byte) IPPROTO_VRRP);
        seg.set(ValueLayout.JAVA_BYTE, 7, (byte) hopLimit);
        MemorySegment.copy(source.toBytes(), 0, seg, ValueLayout.JAVA_BYTE, 8, 16);
        MemorySegment.copy(destination.toBytes(), 0, seg, ValueLayout.JAVA_BYTE, 24, 16);
    }

    private static void checkFamily(VrrpAdvertisement adv, IpAddress source, IpAddress destination) {
        if (source.family() != adv.family() || destination.family() != adv.family()) {
            throw new IllegalArgumentException("source and destination must be " + adv.family());
        }
    }
}
