package io.jlvs.sys;

import static io.jlvs.sys.NetlinkCodec.*;

import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * NETLINK_ROUTE changes {@link RtNetlink} does not make: IPv4 routes and policy rules (add, delete) and IPv4
 * addresses with a scope. Each request waits for the kernel's acknowledgement; a refusal becomes a
 * {@link NativeIoException} naming the request and the errno. One owning thread.
 */
public final class RtNetlinkWriter implements AutoCloseable {
    private static final int RTM_DELROUTE = 25;
    private static final int RTA_PRIORITY = 6;
    private static final int RTA_TABLE = 15;
    private static final int RTPROT_BOOT = 3;
    private static final int RTM_NEWRULE = 32;
    private static final int RTM_DELRULE = 33;
    private static final int FRA_DST = 1;
    private static final int FRA_SRC = 2;
    private static final int FRA_IIFNAME = 3;
    private static final int FRA_PRIORITY = 6;
    private static final int FRA_FWMARK = 10;
    private static final int FRA_TABLE = 15;
    private static final int FRA_FWMASK = 16;
    private static final int FRA_OIFNAME = 17;
    private static final int FR_ACT_TO_TBL = 1;

    private final NetlinkRouteSocket net = new NetlinkRouteSocket(1024, 1 << 14);
    private final MemorySegment request = net.request();

    private RtNetlinkWriter() {
    }

    public static RtNetlinkWriter open() {
        return new RtNetlinkWriter();
    }

    /** Adds a route; EEXIST when the same route is already there. */
    public void addRoute(KernelRoute r) {
        int at = header(request, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, net.next());
        at = rtmsg(at, r);
        acknowledge(finish(request, at), "RTM_NEWROUTE " + describe(r));
    }

    /** Deletes a route; ESRCH when there is none such. */
    public void deleteRoute(KernelRoute r) {
        int at = header(request, RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, net.next());
        at = rtmsg(at, r);
        acknowledge(finish(request, at), "RTM_DELROUTE " + describe(r));
    }

    /** Adds a policy rule; EEXIST when the same rule is already there. */
    public void addRule(KernelRule r) {
        int at = header(request, RTM_NEWRULE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, net.next());
        at = rule(at, r);
        acknowledge(finish(request, at), "RTM_NEWRULE table " + r.table());
    }

    /** Deletes a policy rule; ENOENT when there is none such. */
    public void deleteRule(KernelRule r) {
        int at = header(request, RTM_DELRULE, NLM_F_REQUEST | NLM_F_ACK, net.next());
        at = rule(at, r);
        acknowledge(finish(request, at), "RTM_DELRULE table " + r.table());
    }

    /** struct fib_rule_hdr (family, dst_len, src_len, tos, table, res1, res2, action, flags) and attributes. */
    private int rule(int at, KernelRule r) {
        request.set(ValueLayout.JAVA_BYTE, at, (byte) Abi.AF_INET);
        request.set(ValueLayout.JAVA_BYTE, at + 1, (byte) (r.to() == null ? 0 : r.toLength()));
        request.set(ValueLayout.JAVA_BYTE, at + 2, (byte) (r.from() == null ? 0 : r.fromLength()));
        request.set(ValueLayout.JAVA_BYTE, at + 4, (byte) (r.table() > 0 && r.table() < 256 ? r.table() : 0));
        request.set(ValueLayout.JAVA_BYTE, at + 7, (byte) FR_ACT_TO_TBL);
        int a = at + 12;
        if (r.to() != null) {
            a = attribute(request, a, FRA_DST, r.to().mask(r.toLength()).toBytes());
        }
        if (r.from() != null) {
            a = attribute(request, a, FRA_SRC, r.from().mask(r.fromLength()).toBytes());
        }
        if (r.iif() != null) {
            a = attributeString(request, a, FRA_IIFNAME, r.iif());
        }
        if (r.oif() != null) {
            a = attributeString(request, a, FRA_OIFNAME, r.oif());
        }
        if (r.priority() >= 0) {
            a = attribute(request, a, FRA_PRIORITY, u32(r.priority()));
        }
        if (r.fwmark() >= 0) {
            a = attribute(request, a, FRA_FWMARK, u32((int) r.fwmark()));
        }
        if (r.fwmask() >= 0) {
            a = attribute(request, a, FRA_FWMASK, u32((int) r.fwmask()));
        }
        return attribute(request, a, FRA_TABLE, u32(r.table()));
    }

    /**
     * Adds {@code address/prefixLength} (IPv4, or IPv6 without duplicate address detection) with a label
     * (IPv4 only; null: the interface's name) and a scope
     * ({@link KernelRoute#SCOPE_UNIVERSE} is {@code global}); EEXIST when it is already there.
     */
    public void addAddress(int interfaceIndex, IpAddress address, int prefixLength, String label, int scope) {
        if (prefixLength < 0 || prefixLength > (address.isV4() ? 32 : 128)) {
            throw new IllegalArgumentException("prefix out of range: " + address + "/" + prefixLength);
        }
        if (label != null && label.length() >= Abi.IFNAMSIZ) {
            throw new IllegalArgumentException("label longer than 15 characters: " + label);
        }
        int at = header(request, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, net.next());
        request.set(ValueLayout.JAVA_BYTE, at, (byte) (address.isV4() ? Abi.AF_INET : RawIp6Socket.AF_INET6));
        request.set(ValueLayout.JAVA_BYTE, at + 1, (byte) prefixLength);
        // IPv6: IFA_F_NODAD, usable at once, as keepalived adds its IPv6 virtual addresses
        request.set(ValueLayout.JAVA_BYTE, at + 2, (byte) (address.isV4() ? 0 : 0x02));
        request.set(ValueLayout.JAVA_BYTE, at + 3, (byte) scope);
        request.set(U32, at + 4, interfaceIndex);
        at += IFADDRMSG_LEN;
        at = attribute(request, at, IFA_LOCAL, address.toBytes());
        at = attribute(request, at, IFA_ADDRESS, address.toBytes());
        if (label != null && address.isV4()) {
            at = attributeString(request, at, IFA_LABEL, label);
        }
        acknowledge(finish(request, at), "RTM_NEWADDR " + address + "/" + prefixLength);
    }

    private int rtmsg(int at, KernelRoute r) {
        int table = r.table() == 0 ? KernelRoute.TABLE_MAIN : r.table();
        request.set(ValueLayout.JAVA_BYTE, at, (byte) Abi.AF_INET);
        request.set(ValueLayout.JAVA_BYTE, at + 1, (byte) r.prefixLength());
        request.set(ValueLayout.JAVA_BYTE, at + 4, (byte) (table < 256 ? table : 252));
        request.set(ValueLayout.JAVA_BYTE, at + 5, (byte) RTPROT_BOOT);
        request.set(ValueLayout.JAVA_BYTE, at + 6, (byte) r.effectiveScope());
        request.set(ValueLayout.JAVA_BYTE, at + 7, (byte) r.type());
        int a = at + RTMSG_LEN;
        a = attribute(request, a, RTA_DST, r.destination().mask(r.prefixLength()).toBytes());
        if (r.gateway() != null) {
            a = attribute(request, a, RTA_GATEWAY, r.gateway().toBytes());
        }
        if (r.interfaceIndex() > 0) {
            a = attribute(request, a, RTA_OIF, u32(r.interfaceIndex()));
        }
        if (r.preferredSource() != null) {
            a = attribute(request, a, RTA_PREFSRC, r.preferredSource().toBytes());
        }
        if (r.metric() >= 0) {
            a = attribute(request, a, RTA_PRIORITY, u32(r.metric()));
        }
        if (table >= 256) {
            a = attribute(request, a, RTA_TABLE, u32(table));
        }
        return a;
    }

    private static byte[] u32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static String describe(KernelRoute r) {
        return r.destination().mask(r.prefixLength()) + "/" + r.prefixLength()
                + (r.gateway() == null ? "" : " via " + r.gateway());
    }

    private void acknowledge(int length, String what) {
        net.acknowledge(length, what);
    }

    @Override
    public void close() {
        net.close();
    }
}
