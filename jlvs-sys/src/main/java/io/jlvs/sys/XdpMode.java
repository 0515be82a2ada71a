package io.jlvs.sys;

/** How an XDP program runs on an interface: in the driver (native), or on the generic skb path. */
public enum XdpMode {
    /** XDP_FLAGS_DRV_MODE: before any skb is built (veth supports it). */
    NATIVE,
    /** XDP_FLAGS_SKB_MODE: after the skb is built, for drivers without XDP. */
    GENERIC
}
