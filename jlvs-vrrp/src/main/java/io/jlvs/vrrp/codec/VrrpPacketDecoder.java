package io.jlvs.vrrp.codec;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Parses a received IP packet (IPv4 or IPv6 header followed by VRRP) and makes every receive check of
 * RFC 3768 / RFC 5798 in the order keepalived 2.2.7 makes them, counting each drop.
 * The instance is found by VRID through the lookup given to {@link #decode}.
 */
public final class VrrpPacketDecoder {
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int VRRP_HEADER = 8;

    private final VrrpDropCounters counters;

    public VrrpPacketDecoder(VrrpDropCounters counters) {
        this.counters = counters;
    }

    public VrrpDropCounters counters() {
        return counters;
    }

    public VrrpReceiveResult decode(byte[] packet, IntFunction<VrrpReceiveConfig> byVrid) {
        return decode(MemorySegment.ofArray(packet), byVrid);
    }

    /** Decodes the remaining bytes of the buffer (position and limit are left unchanged). */
    public VrrpReceiveResult decode(ByteBuffer packet, IntFunction<VrrpReceiveConfig> byVrid) {
        return decode(MemorySegment.ofBuffer(packet), byVrid);
    }

    public VrrpReceiveResult decode(MemorySegment packet, IntFunction<VrrpReceiveConfig> byVrid) {
        long len = packet.byteSize();
        if (len < 1) {
            return drop(VrrpDropReason.TOO_SHORT, "VRRP packet too short - 0 bytes", null);
        }
        int ipVersion = (packet.get(ValueLayout.JAVA_BYTE, 0) & 0xf0) >>> 4;
        if (ipVersion == 4) {
            return decodeV4(packet, len, byVrid);
        }
        if (ipVersion == 6) {
            return decodeV6(packet, len, byVrid);
        }
        return drop(VrrpDropReason.NOT_VRRP, "IP version " + ipVersion + " packet ignored", null);
    }

    private VrrpReceiveResult decodeV4(MemorySegment p, long len, IntFunction<VrrpReceiveConfig> byVrid) {
        if (len < 20) {
            return drop(VrrpDropReason.TOO_SHORT, "IPv4 VRRP packet too short - " + len + " bytes", null);
        }
        int ihl = (p.get(ValueLayout.JAVA_BYTE, 0) & 0x0f) << 2;
        if (ihl < 20 || len < ihl + VRRP_HEADER) {
            return drop(VrrpDropReason.TOO_SHORT, "IPv4 VRRP packet too short - " + len + " bytes", null);
        }
        int protocol = u8(p, 9);
        if (protocol != VrrpPacketEncoder.IPPROTO_VRRP) {
            return drop(VrrpDropReason.NOT_VRRP, "IPv4 packet with protocol " + protocol + " ignored", null);
        }
        IpAddress src = IpAddress.ofV4(p.get(BE_INT, 12));
        IpAddress dst = IpAddress.ofV4(p.get(BE_INT, 16));
        int totLen = p.get(BE_SHORT, 2) & 0xffff;
        return check(p, len, ihl, u8(p, 8), totLen, AddressFamily.INET, src, dst, byVrid);
    }

    private VrrpReceiveResult decodeV6(MemorySegment p, long len, IntFunction<VrrpReceiveConfig> byVrid) {
        if (len < 40 + VRRP_HEADER) {
            return drop(VrrpDropReason.TOO_SHORT, "IPv6 VRRP packet too short - " + len + " bytes", null);
        }
        int next = u8(p, 6);
        if (next != VrrpPacketEncoder.IPPROTO_VRRP) {
            return drop(VrrpDropReason.NOT_VRRP, "IPv6 packet with next header " + next + " ignored", null);
        }
        IpAddress src = IpAddress.of(bytes(p, 8, 16));
        IpAddress dst = IpAddress.of(bytes(p, 24, 16));
        int payloadLen = p.get(BE_SHORT, 4) & 0xffff;
        return check(p, len, 40, u8(p, 7), payloadLen + 40, AddressFamily.INET6, src, dst, byVrid);
    }

    private VrrpReceiveResult check(MemorySegment p, long len, int off, int ttl, int ipLength, AddressFamily family,
                                    IpAddress src, IpAddress dst, IntFunction<VrrpReceiveConfig> byVrid) {
        int versType = u8(p, off);
        int version = versType >>> 4;
        int type = versType & 0x0f;
        int vrid = u8(p, off + 1);
        int priority = u8(p, off + 2);
        int naddr = u8(p, off + 3);

        VrrpReceiveConfig cfg = byVrid.apply(vrid);
        if (cfg == null || cfg.family() != family) {
            return drop(VrrpDropReason.UNKNOWN_VRID, "Unknown VRID(" + vrid + ") received from " + src + ". ignoring...",
                    null);
        }
        String name = cfg.instanceName();
        int addrLen = family == AddressFamily.INET ? 4 : 16;
        long expected = off + VRRP_HEADER + (long) naddr * addrLen
                + (family == AddressFamily.INET && version == 2 ? VrrpAdvertisement.AUTH_DATA_LENGTH : 0);
        if (len != expected) {
            return drop(VrrpDropReason.PACKET_LENGTH, "(" + name + ") vrrp packet too " + (len > expected ? "long" : "short")
                    + ", length " + len + " and expect " + expected, cfg);
        }
        if (!cfg.unicast() && ttl != VrrpPacketEncoder.VRRP_TTL) {
            return drop(VrrpDropReason.TTL, "(" + name + ") invalid TTL/HL. Received " + ttl + " and expect "
                    + VrrpPacketEncoder.VRRP_TTL, cfg);
        }
        if (version != cfg.version().number()) {
            return drop(VrrpDropReason.VERSION, "(" + name + ") wrong version. Received " + version + " and expect "
                    + cfg.version().number(), cfg);
        }
        VrrpAuthType authType = VrrpAuthType.NONE;
        byte[] authData = null;
        int interval;
        if (version == 2) {
            int authCode = u8(p, off + 4);
            authType = VrrpAuthType.ofCode(authCode);
            if (authType == null) {
                return drop(VrrpDropReason.INVALID_AUTH_TYPE, "(" + name + ") Invalid auth type: " + authCode, cfg);
            }
            if (authType != cfg.authType()) {
                return drop(VrrpDropReason.AUTH_TYPE_MISMATCH, "(" + name + ") received a " + authCode
                        + " auth, expecting " + cfg.authType().code() + "!", cfg);
            }
            authData = bytes(p, len - VrrpAdvertisement.AUTH_DATA_LENGTH, VrrpAdvertisement.AUTH_DATA_LENGTH);
            if (authType == VrrpAuthType.PASS && !cfg.passwordMatches(authData)) {
                return drop(VrrpDropReason.AUTH_FAILURE, "(" + name + ") received an invalid passwd!", cfg);
            }
            int seconds = u8(p, off + 5);
            interval = seconds * 100;
            if (interval != cfg.advertIntervalCentis()) {
                return drop(VrrpDropReason.ADVERT_INTERVAL, "(" + name + ") advertisement interval mismatch mine="
                        + cfg.advertIntervalCentis() / 100 + " sec rcv'd=" + seconds + " sec", cfg);
            }
        } else {
            interval = p.get(BE_SHORT, off + 4) & 0x0fff;
        }
        if (type != VrrpAdvertisement.TYPE_ADVERTISEMENT) {
            return drop(VrrpDropReason.INVALID_TYPE, "(" + name + ") Invalid packet type. " + type + " and expect "
                    + VrrpAdvertisement.TYPE_ADVERTISEMENT, cfg);
        }
        if (cfg.checkAddresses() && naddr != cfg.addresses().size()) {
            return drop(VrrpDropReason.ADDRESS_COUNT, "(" + name + ") received an unexpected ip number count " + naddr
                    + ", expected " + cfg.addresses().size() + "!", cfg);
        }
        if (ipLength != len) {
            return drop(VrrpDropReason.PACKET_LENGTH, "(" + name + ") ip_tot_len mismatch against received length. "
                    + ipLength + " and received " + len, cfg);
        }
        int vrrpLen = (int) (len - off);
        int verify = VrrpPacketEncoder.checksum(version == 3 ? VrrpVersion.V3 : VrrpVersion.V2, src, dst, p, off,
                vrrpLen);
        if (verify != 0) {
            return drop(VrrpDropReason.CHECKSUM, "(" + name + ") Invalid VRRPv" + version + " checksum", cfg);
        }
        if (dst.isV4() ? isMulticast4(dst) == cfg.unicast() : ((dst.hi() >>> 56) == 0xff) == cfg.unicast()) {
            String want = cfg.unicast() ? "un" : "mult";
            String got = cfg.unicast() ? "mult" : "un";
            return drop(VrrpDropReason.CAST_MISMATCH, "(" + name + ") Expected " + want + "icast packet but received "
                    + got + "icast packet", cfg);
        }
        List<IpAddress> addresses = new ArrayList<>(naddr);
        for (int i = 0; i < naddr; i++) {
            addresses.add(IpAddress.of(bytes(p, off + VRRP_HEADER + (long) i * addrLen, addrLen)));
        }
        if (cfg.checkAddresses()) {
            for (IpAddress vip : cfg.addresses()) {
                if (!addresses.contains(vip)) {
                    return drop(VrrpDropReason.ADDRESS_LIST, "(" + name + ") ip address associated with VRID " + vrid
                            + " not present in MASTER advert: " + vip, cfg);
                }
            }
        }
        VrrpAdvertisement adv = new VrrpAdvertisement(VrrpVersion.of(version), family, vrid, priority, interval,
                authType, authData, addresses);
        counters.accept(priority);
        return new VrrpReceiveResult.Accepted(adv, src, dst, ttl, cfg);
    }

    private static boolean isMulticast4(IpAddress a) {
        return (a.v4() >>> 28) == 0xe;
    }

    private VrrpReceiveResult drop(VrrpDropReason reason, String line, VrrpReceiveConfig cfg) {
        counters.drop(reason);
        return new VrrpReceiveResult.Dropped(reason, line, cfg);
    }

    private static int u8(MemorySegment p, long at) {
        return p.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    private static byte[] bytes(MemorySegment p, long at, int n) {
        byte[] b = new byte[n];
        MemorySegment.copy(p, ValueLayout.JAVA_BYTE, at, b, 0, n);
        return b;
    }
}
