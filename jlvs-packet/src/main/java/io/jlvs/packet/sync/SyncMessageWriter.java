package io.jlvs.packet.sync;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds version-1 sync messages: the 8-byte header, then records padded to 4 bytes between each other,
 * up to a size limit and 255 records. Reused: {@link #reset} after each send. Not thread-safe: owned by
 * the master's sending thread.
 */
public final class SyncMessageWriter {
    private static final int MAX_CONNS = 255;
    /** The one persistence engine IPVS has. */
    private static final byte[] SIP = {'s', 'i', 'p'};

    /** The longest record: IPv6 with 255 bytes of persistence-engine data and a 16-byte engine name. */
    private static final int MAX_RECORD = SyncProtocol.CONN_V6 + 2 + SyncProtocol.PE_DATA_MAXLEN + 2
            + SyncProtocol.PE_NAME_MAXLEN;

    private final byte[] buf;
    private final ByteBuffer out;
    private final int syncId;
    private final int maxLength;
    private int count;

    /**
     * @param maxLength the largest message (see {@link SyncProtocol#maxLength}); a record longer than that on
     *                  its own (a long SIP Call-ID under a small {@code --sync-maxlen}) goes alone in a longer
     *                  message, as the kernel's {@code ip_vs_sync_buff_create} sizes its buffer for it
     */
    public SyncMessageWriter(int syncId, int maxLength) {
        if (maxLength < SyncProtocol.HEADER_V1 + SyncProtocol.CONN_V4) {
            throw new IllegalArgumentException("sync message limit too small: " + maxLength);
        }
        this.syncId = syncId & 0xff;
        this.maxLength = maxLength;
        this.buf = new byte[Math.max(maxLength, SyncProtocol.HEADER_V1 + MAX_RECORD)];
        this.out = ByteBuffer.wrap(buf);
        reset();
    }

    /** Starts an empty message. */
    public void reset() {
        out.clear();
        out.put((byte) 0).put((byte) syncId).putShort((short) SyncProtocol.HEADER_V1)
                .put((byte) 0).put((byte) SyncProtocol.VERSION).putShort((short) 0);
        count = 0;
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Adds an IPv4 record without options; false when it does not fit (send the message first). */
    public boolean addV4(int protocol, int flags, int state, int clientPort, int virtualPort, int destPort,
                         int fwmark, int timeoutSeconds, int client, int virtualAddress, int destination) {
        return addV4(protocol, flags, state, clientPort, virtualPort, destPort, fwmark, timeoutSeconds, client,
                virtualAddress, destination, null, 0, 0);
    }

    /**
     * Adds an IPv4 record with the persistence-engine data {@code peData[peOffset, peOffset + peLength)} (none
     * when {@code peLength} is 0) and the engine's name, sip, as the kernel's options 2 and 3; false when it
     * does not fit (send the message first). Allocates nothing.
     */
    public boolean addV4(int protocol, int flags, int state, int clientPort, int virtualPort, int destPort,
                         int fwmark, int timeoutSeconds, int client, int virtualAddress, int destination,
                         byte[] peData, int peOffset, int peLength) {
        if (peLength < 0 || peLength > SyncProtocol.PE_DATA_MAXLEN) {
            throw new IllegalArgumentException("bad persistence-engine data length " + peLength);
        }
        int len = SyncProtocol.CONN_V4 + (peLength > 0 ? peLength + 2 + SIP.length + 2 : 0);
        if (!room(len)) {
            return false;
        }
        fixed(0, protocol, len, flags, state, clientPort, virtualPort, destPort, fwmark, timeoutSeconds);
        out.putInt(client).putInt(virtualAddress).putInt(destination);
        if (peLength > 0) {
            out.put((byte) SyncProtocol.OPT_PE_DATA).put((byte) peLength).put(peData, peOffset, peLength);
            out.put((byte) SyncProtocol.OPT_PE_NAME).put((byte) SIP.length).put(SIP);
        }
        return finish();
    }

    /** Adds an IPv6 record without options (addresses as high and low 64 bits); false when it does not fit. */
    public boolean addV6(int protocol, int flags, int state, int clientPort, int virtualPort, int destPort,
                         int fwmark, int timeoutSeconds, long clientHi, long clientLo, long virtualHi, long virtualLo,
                         long destinationHi, long destinationLo) {
        if (!room(SyncProtocol.CONN_V6)) {
            return false;
        }
        fixed(SyncProtocol.TYPE_INET6, protocol, SyncProtocol.CONN_V6, flags, state, clientPort, virtualPort,
                destPort, fwmark, timeoutSeconds);
        out.putLong(clientHi).putLong(clientLo).putLong(virtualHi).putLong(virtualLo).putLong(destinationHi)
                .putLong(destinationLo);
        return finish();
    }

    /** Adds any record (IPv4 or IPv6, with persistence-engine options); false when it does not fit. */
    public boolean add(SyncConn c) {
        boolean v6 = c.v6();
        byte[] name = c.peName() == null ? new byte[0] : c.peName().getBytes(StandardCharsets.US_ASCII);
        byte[] data = c.peData() == null ? new byte[0] : c.peData();
        if (name.length > SyncProtocol.PE_NAME_MAXLEN || data.length > SyncProtocol.PE_DATA_MAXLEN
                || name.length > 0 && data.length == 0) {
            throw new IllegalArgumentException("bad persistence-engine option");
        }
        int len = (v6 ? SyncProtocol.CONN_V6 : SyncProtocol.CONN_V4)
                + (data.length > 0 ? data.length + 2 : 0) + (name.length > 0 ? name.length + 2 : 0);
        if (!room(len)) {
            return false;
        }
        fixed(v6 ? SyncProtocol.TYPE_INET6 : 0, c.protocol(), len, c.flags() & ~SyncProtocol.F_HASHED, c.state(),
                c.clientPort(), c.virtualPort(), c.destinationPort(), c.fwmark(), c.timeoutSeconds());
        address(c.client(), v6);
        address(c.virtualAddress(), v6);
        address(c.destination(), v6);
        if (data.length > 0) {
            out.put((byte) SyncProtocol.OPT_PE_DATA).put((byte) data.length).put(data);
            if (name.length > 0) {
                out.put((byte) SyncProtocol.OPT_PE_NAME).put((byte) name.length).put(name);
            }
        }
        return finish();
    }

    /** The message built so far (a view over the internal buffer, valid until the next change). */
    public ByteBuffer message() {
        return ByteBuffer.wrap(buf, 0, out.position()).slice();
    }

    private boolean room(int len) {
        int pad = count == 0 ? 0 : (4 - out.position()) & 3;
        if (count >= MAX_CONNS || count > 0 && out.position() + pad + len > maxLength) {
            // an empty message takes any record: else one longer than the limit would never leave
            return false;
        }
        for (int i = 0; i < pad; i++) {
            out.put((byte) 0);
        }
        return true;
    }

    private void fixed(int type, int protocol, int len, int flags, int state, int cport, int vport, int dport,
                       int fwmark, int timeout) {
        out.put((byte) type).put((byte) protocol).putShort((short) (len & SyncProtocol.SIZE_MASK))
                .putInt(flags).putShort((short) state).putShort((short) cport).putShort((short) vport)
                .putShort((short) dport).putInt(fwmark).putInt(timeout);
    }

    private void address(IpAddress a, boolean v6) {
        if (v6) {
            out.putLong(a.hi()).putLong(a.lo());
        } else {
            out.putInt(a.v4());
        }
    }

    private boolean finish() {
        count++;
        buf[4] = (byte) count;
        int size = out.position();
        buf[2] = (byte) (size >>> 8);
        buf[3] = (byte) size;
        return true;
    }
}
