package io.jlvs.packet;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.SipCallId;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.state.DestinationState;
import java.lang.foreign.MemorySegment;

/**
 * IPVS's persistence engine sip ({@code ip_vs_pe_sip.c}) for the packet data plane: on a persistent service
 * with {@code --pe sip}, a new flow's template is the one of its client network (the persistence netmask),
 * virtual address and port <em>and</em> the SIP Call-ID of its datagram, so each call keeps its real server
 * for the persistence timeout, as the kernel's ct_match compares the template's pe_data. A flow without a
 * Call-ID is not scheduled ({@link DropReason#NO_CALL_ID}).
 *
 * <p>As in IPVS, only scheduling consults the template: a client address and port that already has a UDP
 * connection entry keeps it whatever Call-ID its next datagram carries (one-packet scheduling, {@code -o},
 * makes every datagram scheduled, so the Call-ID decides each time).
 *
 * <p>Owner: the data-plane worker that owns the connection table. {@link #read} keeps the current
 * datagram's Call-ID position for the calls after it; nothing is allocated.
 */
final class SipPersistence {
    private final ConnTable table;
    private MemorySegment segment;
    private long callId;
    private int callIdLength;

    SipPersistence(ConnTable table) {
        this.table = table;
    }

    /** True when {@code service}'s templates key on the SIP Call-ID. */
    static boolean applies(VirtualService service) {
        return service.persistent() && ConnTable.PE_NAME.equals(service.persistenceEngine());
    }

    /**
     * Finds the Call-ID of the UDP datagram whose header is at {@code l4} in {@code s} (null, or another
     * protocol: none); false when it has none IPVS would use.
     */
    boolean read(MemorySegment s, int protocol, long l4) {
        segment = null;
        if (s == null || protocol != Ipv4Header.PROTO_UDP) {
            return false;
        }
        long payload = l4 + UdpHeader.LENGTH;
        long found = SipCallId.find(s, payload, UdpHeader.length(s, l4) - UdpHeader.LENGTH);
        if (found == SipCallId.NONE) {
            return false;
        }
        segment = s;
        callId = payload + SipCallId.offset(found);
        callIdLength = SipCallId.length(found);
        return true;
    }

    /** The valid template of the Call-ID {@link #read} found, re-armed, or {@link ConnTable#NO_ENTRY}. */
    int find(int protocol, long clientNet, long virtualLo, int virtualPort, long now) {
        return table.findTemplate(protocol, clientNet, virtualLo, virtualPort, segment, callId, callIdLength, now);
    }

    /** A template for the Call-ID {@link #read} found, bound to {@code dest}; {@link ConnTable#NO_ENTRY} when full. */
    int create(int protocol, long clientNet, long virtualLo, int virtualPort, DestinationState dest,
               int timeoutSeconds, long now) {
        var address = dest.config().address();
        return table.createTemplate(protocol, clientNet, virtualLo, virtualPort, segment, callId, callIdLength,
                !address.isV4(), address.hi(), address.lo(), dest.config().port(), dest, timeoutSeconds, now);
    }
}
