package io.jlvs.packet.sync;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a received sync datagram, version 1 or the legacy version 0, with the kernel's checks: a
 * malformed header or record structure drops the rest of the message, a record with an unknown protocol,
 * bad state or unknown mandatory option is skipped alone. Records already decoded before a message-level
 * error stay delivered, as in the kernel. Stateless.
 */
public final class SyncMessageReader {
    /** Where decoded records and per-record drops go. */
    public interface Sink {
        void accept(SyncConn conn);

        void dropped(SyncDropReason reason);
    }

    private SyncMessageReader() {
    }

    /**
     * @param ourSyncId the backup's --syncid; 0 accepts every sync id
     * @return null when the message was read to its end, else why the (rest of the) message was dropped
     */
    public static SyncDropReason read(ByteBuffer message, int ourSyncId, Sink sink) {
        ByteBuffer m = message.slice();
        int len = m.remaining();
        if (len < SyncProtocol.HEADER_V0) {
            return SyncDropReason.SHORT;
        }
        if (len != (m.getShort(2) & 0xffff)) {
            return SyncDropReason.SIZE_MISMATCH;
        }
        int syncId = m.get(1) & 0xff;
        if (ourSyncId != 0 && syncId != ourSyncId) {
            return SyncDropReason.SYNCID_MISMATCH;
        }
        if (len >= SyncProtocol.HEADER_V1 && m.get(0) == 0 && m.get(5) == SyncProtocol.VERSION
                && m.getShort(6) == 0) {
            return readV1(m, len, sink);
        }
        return readV0(m, len, sink);
    }

    private static SyncDropReason readV1(ByteBuffer m, int len, Sink sink) {
        int n = m.get(4) & 0xff;
        int p = SyncProtocol.HEADER_V1;
        for (int i = 0; i < n; i++) {
            if (p + SyncProtocol.CONN_V4 > len) {
                return SyncDropReason.SHORT;
            }
            int verSize = m.getShort(p + 2) & 0xffff;
            int size = verSize & SyncProtocol.SIZE_MASK;
            if (p + size > len) {
                return SyncDropReason.SHORT;
            }
            if (verSize >>> SyncProtocol.VERSION_SHIFT != 0) {
                return SyncDropReason.BAD_VERSION;
            }
            SyncDropReason r = record(m, p, p + size, sink);
            if (r != null) {
                return r;
            }
            p += (size + 3) & ~3;
        }
        return null;
    }

    /** One version-1 record in [p, end): null when read (delivered or skipped), else a message-level drop. */
    private static SyncDropReason record(ByteBuffer m, int p, int end, Sink sink) {
        int type = m.get(p) & 0xff;
        boolean v6;
        if ((type & SyncProtocol.TYPE_INET6) != 0) {
            v6 = true;
        } else if (type == 0) {
            v6 = false;
        } else {
            return SyncDropReason.BAD_TYPE;
        }
        int q = p + (v6 ? SyncProtocol.CONN_V6 : SyncProtocol.CONN_V4);
        if (q > end) {
            return SyncDropReason.SHORT;
        }
        boolean seq = false;
        byte[] peData = null;
        String peName = null;
        SyncDropReason skip = null;
        while (q < end) {
            if (q + 2 > end) {
                return SyncDropReason.BAD_OPTION;
            }
            int ptype = m.get(q) & 0xff;
            int plen = m.get(q + 1) & 0xff;
            q += 2;
            if (plen == 0 || q + plen > end) {
                return SyncDropReason.BAD_OPTION;
            }
            switch (ptype & ~SyncProtocol.OPT_F_PARAM) {
                case SyncProtocol.OPT_SEQ_DATA -> {
                    if (plen != SyncProtocol.SEQ_OPTIONS || seq) {
                        return SyncDropReason.BAD_OPTION;
                    }
                    seq = true;
                }
                case SyncProtocol.OPT_PE_DATA -> {
                    if (plen > SyncProtocol.PE_DATA_MAXLEN || peData != null) {
                        return SyncDropReason.BAD_OPTION;
                    }
                    peData = new byte[plen];
                    m.get(q, peData);
                }
                case SyncProtocol.OPT_PE_NAME -> {
                    if (plen > SyncProtocol.PE_NAME_MAXLEN || peName != null) {
                        return SyncDropReason.BAD_OPTION;
                    }
                    byte[] b = new byte[plen];
                    m.get(q, b);
                    peName = new String(b, StandardCharsets.US_ASCII);
                }
                default -> {
                    if ((ptype & SyncProtocol.OPT_F_PARAM) == 0) {
                        skip = SyncDropReason.BAD_OPTION;
                    }
                }
            }
            q += plen;
        }
        if (skip != null) {
            sink.dropped(skip);
            return null;
        }
        int flags = m.getInt(p + 4) & SyncProtocol.F_BACKUP_MASK | SyncProtocol.F_SYNC;
        int protocol = m.get(p + 1) & 0xff;
        int state = m.getShort(p + 8) & 0xffff;
        if ((flags & SyncProtocol.F_TEMPLATE) == 0) {
            int states = SyncProtocol.stateCount(protocol);
            if (states < 0) {
                sink.dropped(SyncDropReason.UNKNOWN_PROTOCOL);
                return null;
            }
            if (state >= states) {
                sink.dropped(SyncDropReason.BAD_STATE);
                return null;
            }
        }
        if (peData != null && peName == null) {
            sink.dropped(SyncDropReason.BAD_OPTION);
            return null;
        }
        int a = p + 24;
        int step = v6 ? 16 : 4;
        sink.accept(new SyncConn(protocol, flags, state,
                address(m, a, v6), m.getShort(p + 10) & 0xffff,
                address(m, a + step, v6), m.getShort(p + 12) & 0xffff,
                address(m, a + 2 * step, v6), m.getShort(p + 14) & 0xffff,
                m.getInt(p + 16), m.getInt(p + 20), peName, peData));
        return null;
    }

    private static SyncDropReason readV0(ByteBuffer m, int len, Sink sink) {
        int n = m.get(0) & 0xff;
        int p = SyncProtocol.HEADER_V0;
        for (int i = 0; i < n; i++) {
            if (p + SyncProtocol.CONN_V0 > len) {
                return SyncDropReason.SHORT;
            }
            int s = p;
            int flags = (m.getShort(s + 20) & 0xffff | SyncProtocol.F_SYNC) & ~SyncProtocol.F_HASHED;
            p += SyncProtocol.CONN_V0;
            if ((flags & SyncProtocol.F_SEQ_MASK) != 0) {
                p += SyncProtocol.SEQ_OPTIONS;
                if (p > len) {
                    return SyncDropReason.SHORT;
                }
            }
            int protocol = m.get(s + 1) & 0xff;
            int state = m.getShort(s + 22) & 0xffff;
            if ((flags & SyncProtocol.F_TEMPLATE) == 0) {
                int states = SyncProtocol.stateCount(protocol);
                if (states < 0) {
                    sink.dropped(SyncDropReason.UNKNOWN_PROTOCOL);
                    continue;
                }
                if (state >= states) {
                    sink.dropped(SyncDropReason.BAD_STATE);
                    continue;
                }
            }
            sink.accept(new SyncConn(protocol, flags, state,
                    IpAddress.ofV4(m.getInt(s + 8)), m.getShort(s + 2) & 0xffff,
                    IpAddress.ofV4(m.getInt(s + 12)), m.getShort(s + 4) & 0xffff,
                    IpAddress.ofV4(m.getInt(s + 16)), m.getShort(s + 6) & 0xffff,
                    0, 0, null, null));
        }
        return null;
    }

    private static IpAddress address(ByteBuffer m, int at, boolean v6) {
        return v6 ? IpAddress.ofV6(m.getLong(at), m.getLong(at + 8)) : IpAddress.ofV4(m.getInt(at));
    }
}
