package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** rtnetlink message layout: headers in host order, addresses in network order, 4-byte aligned attributes. */
final class NetlinkCodec {
    private NetlinkCodec() {
    }

    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_DUMP = 0x300;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_GETROUTE = 26;
    static final int RTM_NEWNEIGH = 28;
    static final int RTM_GETNEIGH = 30;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PREFSRC = 7;
    static final int RTMGRP_LINK = 1;

    static final int IFINFOMSG_LEN = 16;
    static final int IFADDRMSG_LEN = 8;
    static final int NDMSG_LEN = 12;
    static final int RTMSG_LEN = 12;

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Writes a netlink header for a message whose length is filled in by {@link #finish}. */
    static int header(MemorySegment buf, int type, int flags, int seq) {
        buf.fill((byte) 0);
        buf.set(U16, 4, (short) type);
        buf.set(U16, 6, (short) flags);
        buf.set(U32, 8, seq);
        return NLMSG_HDRLEN;
    }

    static int finish(MemorySegment buf, int length) {
        buf.set(U32, 0, length);
        return length;
    }

    static int attribute(MemorySegment buf, int at, int type, byte[] value) {
        int len = 4 + value.length;
        buf.set(U16, at, (short) len);
        buf.set(U16, at + 2, (short) type);
        MemorySegment.copy(value, 0, buf, ValueLayout.JAVA_BYTE, at + 4, value.length);
        return at + align(len);
    }

    static int attributeString(MemorySegment buf, int at, int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        byte[] z = java.util.Arrays.copyOf(s, s.length + 1);
        return attribute(buf, at, type, z);
    }

    /** Calls {@code visitor} for each attribute in {@code [from, to)}. */
    static void attributes(MemorySegment buf, int from, int to, AttributeVisitor visitor) {
        int at = from;
        while (at + 4 <= to) {
            int len = buf.get(U16, at) & 0xffff;
            if (len < 4 || at + len > to) {
                return;
            }
            visitor.visit(buf.get(U16, at + 2) & 0x3fff, at + 4, len - 4);
            at += align(len);
        }
    }

    @FunctionalInterface
    interface AttributeVisitor {
        void visit(int type, int offset, int length);
    }

    static String string(MemorySegment buf, int offset, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    static long mac(MemorySegment buf, int offset, int length) {
        long mac = 0;
        for (int i = 0; i < Math.min(length, 8); i++) {
            mac = (mac << 8) | (buf.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff);
        }
        return mac;
    }

    static IpAddress ipv4(MemorySegment buf, int offset) {
        return IpAddress.ofV4(buf.get(BE32, offset));
    }

    /** A link from an RTM_NEWLINK/RTM_DELLINK message at {@code at} of {@code length} bytes. */
    static LinkInfo link(MemorySegment buf, int at, int length) {
        int p = at + NLMSG_HDRLEN;
        int index = buf.get(U32, p + 4);
        int flags = buf.get(U32, p + 8);
        String[] name = {""};
        long[] mac = {0};
        int[] mtu = {0};
        attributes(buf, p + IFINFOMSG_LEN, at + length, (type, off, len) -> {
            switch (type) {
                case IFLA_IFNAME -> name[0] = string(buf, off, len);
                case IFLA_ADDRESS -> mac[0] = mac(buf, off, len);
                case IFLA_MTU -> mtu[0] = buf.get(U32, off);
                default -> { }
            }
        });
        return new LinkInfo(index, name[0], mac[0], mtu[0], flags);
    }
}
