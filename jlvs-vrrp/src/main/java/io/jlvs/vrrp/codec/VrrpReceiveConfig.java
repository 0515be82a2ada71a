package io.jlvs.vrrp.codec;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import java.util.List;

/**
 * What an instance expects of the adverts it receives: the checks of RFC 3768 7.1 / RFC 5798 7.1 are made
 * against these values. {@code checkTtl} is false for unicast peers (keepalived skips the TTL rule there);
 * {@code checkAddresses} false skips the address count and list checks (keepalived's skip_check_adv_addr).
 */
public record VrrpReceiveConfig(
        String instanceName,
        VrrpVersion version,
        AddressFamily family,
        int vrid,
        VrrpAuthType authType,
        byte[] authData,
        int advertIntervalCentis,
        List<IpAddress> addresses,
        boolean unicast,
        boolean checkAddresses) {

    public VrrpReceiveConfig {
        authData = authData == null ? new byte[VrrpAdvertisement.AUTH_DATA_LENGTH] : authData.clone();
        addresses = List.copyOf(addresses);
    }

    /** A multicast instance that checks everything. */
    public static VrrpReceiveConfig of(String instanceName, VrrpAdvertisement ours) {
        return new VrrpReceiveConfig(instanceName, ours.version(), ours.family(), ours.vrid(), ours.authType(),
                ours.authData(), ours.advertIntervalCentis(), ours.addresses(), false, true);
    }

    @Override
    public byte[] authData() {
        return authData.clone();
    }

    boolean passwordMatches(byte[] received) {
        return java.security.MessageDigest.isEqual(authData, received);
    }
}
