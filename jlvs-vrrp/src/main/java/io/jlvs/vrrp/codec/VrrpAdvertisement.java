package io.jlvs.vrrp.codec;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of one VRRP advertisement, as carried after the IP header.
 * The interval is always held in centiseconds; for VRRPv2 it is a whole number of seconds on the wire.
 * {@code authData} is the 8-byte VRRPv2 authentication field (zeros unless {@link VrrpAuthType#PASS}).
 */
public record VrrpAdvertisement(
        VrrpVersion version,
        AddressFamily family,
        int vrid,
        int priority,
        int advertIntervalCentis,
        VrrpAuthType authType,
        byte[] authData,
        List<IpAddress> addresses) {

    /** The VRRP packet type of an advertisement (the only type defined). */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** The length of the VRRPv2 authentication data. */
    public static final int AUTH_DATA_LENGTH = 8;

    public VrrpAdvertisement {
        if (version == null || family == null || authType == null) {
            throw new IllegalArgumentException("version, family and authType are required");
        }
        if (vrid < 0 || vrid > 255) {
            throw new IllegalArgumentException("VRID must be 0..255, got " + vrid);
        }
        if (priority < 0 || priority > 255) {
            throw new IllegalArgumentException("priority must be 0..255, got " + priority);
        }
        if (version == VrrpVersion.V2) {
            if (family != AddressFamily.INET) {
                throw new IllegalArgumentException("VRRPv2 is IPv4 only");
            }
            if (advertIntervalCentis % 100 != 0 || advertIntervalCentis / 100 > 255) {
                throw new IllegalArgumentException("VRRPv2 interval must be whole seconds 0..255, got "
                        + advertIntervalCentis + " cs");
            }
        } else {
            if (advertIntervalCentis < 0 || advertIntervalCentis > 0xfff) {
                throw new IllegalArgumentException("VRRPv3 interval must be 0..4095 cs, got " + advertIntervalCentis);
            }
            if (authType != VrrpAuthType.NONE) {
                throw new IllegalArgumentException("VRRPv3 has no authentication");
            }
        }
        authData = authData == null ? new byte[AUTH_DATA_LENGTH] : authData.clone();
        if (authData.length != AUTH_DATA_LENGTH) {
            throw new IllegalArgumentException("auth data must be 8 bytes");
        }
        addresses = List.copyOf(addresses);
        if (addresses.size() > 255) {
            throw new IllegalArgumentException("at most 255 addresses fit in an advertisement");
        }
        for (IpAddress a : addresses) {
            if (a.family() != family) {
                throw new IllegalArgumentException("address " + a + " is not of family " + family);
            }
        }
    }

    /** A VRRPv2 advertisement; {@code password} is used for {@link VrrpAuthType#PASS} (truncated/zero padded to 8). */
    public static VrrpAdvertisement v2(int vrid, int priority, int intervalSeconds, VrrpAuthType authType,
                                       String password, List<IpAddress> addresses) {
        return new VrrpAdvertisement(VrrpVersion.V2, AddressFamily.INET, vrid, priority, intervalSeconds * 100,
                authType, authType == VrrpAuthType.PASS ? passwordBytes(password) : null, addresses);
    }

    /** A VRRPv3 advertisement for the family of the addresses (IPv4 when the list is empty). */
    public static VrrpAdvertisement v3(int vrid, int priority, int intervalCentis, List<IpAddress> addresses) {
        AddressFamily f = addresses.isEmpty() ? AddressFamily.INET : addresses.getFirst().family();
        return new VrrpAdvertisement(VrrpVersion.V3, f, vrid, priority, intervalCentis, VrrpAuthType.NONE, null,
                addresses);
    }

    /** keepalived's auth_pass handling: the first 8 bytes of the text, zero padded. */
    public static byte[] passwordBytes(String password) {
        byte[] out = new byte[AUTH_DATA_LENGTH];
        if (password != null) {
            byte[] raw = password.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            System.arraycopy(raw, 0, out, 0, Math.min(raw.length, AUTH_DATA_LENGTH));
        }
        return out;
    }

    @Override
    public byte[] authData() {
        return authData.clone();
    }

    /** The same advertisement with another priority (a priority 0 advert on stop, for example). */
    public VrrpAdvertisement withPriority(int newPriority) {
        return new VrrpAdvertisement(version, family, vrid, newPriority, advertIntervalCentis, authType, authData,
                addresses);
    }

    /** Length of the VRRP part (header, addresses and, for VRRPv2 over IPv4, the auth data). */
    public int vrrpLength() {
        return vrrpLength(version, family, addresses.size());
    }

    static int vrrpLength(VrrpVersion version, AddressFamily family, int count) {
        int addressLength = family == AddressFamily.INET ? 4 : 16;
        int len = 8 + count * addressLength;
        if (version == VrrpVersion.V2 && family == AddressFamily.INET) {
            len += AUTH_DATA_LENGTH;
        }
        return len;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpAdvertisement a
                && version == a.version && family == a.family && vrid == a.vrid && priority == a.priority
                && advertIntervalCentis == a.advertIntervalCentis && authType == a.authType
                && Arrays.equals(authData, a.authData) && addresses.equals(a.addresses);
    }

    @Override
    public int hashCode() {
        return ((vrid * 31 + priority) * 31 + advertIntervalCentis) * 31 + addresses.hashCode();
    }

    @Override
    public String toString() {
        return "VrrpAdvertisement[v" + version.number() + " vrid=" + vrid + " prio=" + priority + " int="
                + advertIntervalCentis + "cs auth=" + authType + " addrs=" + addresses + "]";
    }
}
