package io.jlvs.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An XDP program attached to an interface through a BPF link (BPF_LINK_CREATE): the program leaves the
 * interface when the link's descriptor closes, so also when the process dies. Natively when asked and the
 * driver can, else on the generic path.
 *
 * @param link the BPF link's descriptor
 * @param mode where the program runs
 */
record XdpAttachment(int link, XdpMode mode) {

    /**
     * Attaches {@code program} to interface {@code ifindex} ({@code name} for messages): with
     * {@link XdpMode#NATIVE} in the driver, falling back to the generic path when the driver has no XDP;
     * with {@link XdpMode#GENERIC} on the generic path only.
     */
    static XdpAttachment attach(Syscalls sys, MemorySegment attr, int program, int ifindex, String name,
                                XdpMode preferred) {
        if (preferred == XdpMode.NATIVE) {
            try {
                return new XdpAttachment(link(sys, attr, program, ifindex, name, Abi.XDP_FLAGS_DRV_MODE),
                        XdpMode.NATIVE);
            } catch (NativeIoException e) {
                if (!e.is(Errno.EOPNOTSUPP) && !e.is(Errno.EINVAL)) {
                    throw e;
                }
            }
        }
        return new XdpAttachment(link(sys, attr, program, ifindex, name, Abi.XDP_FLAGS_SKB_MODE), XdpMode.GENERIC);
    }

    private static int link(Syscalls sys, MemorySegment attr, int program, int ifindex, String name, int flags) {
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, 0, program);
        attr.set(ValueLayout.JAVA_INT, 4, ifindex);
        attr.set(ValueLayout.JAVA_INT, 8, Abi.BPF_XDP);
        attr.set(ValueLayout.JAVA_INT, 12, flags);
        return sys.bpf(Abi.BPF_LINK_CREATE, attr, "BPF_LINK_CREATE " + name
                + (flags == Abi.XDP_FLAGS_DRV_MODE ? " native" : " generic"));
    }
}
