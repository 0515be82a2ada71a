package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.XdpFlowMap;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fast path that forwards nothing: it records the keys it is given with the headers of the frame as the
 * worker sent it, counts what a test says it forwarded, and records what it is told to forget.
 */
final class FakeFlowOffload implements FlowOffload {

    /** One direction of a connection, as its frames arrive. */
    record Key(int protocol, String src, int sport, String dst, int dport) {
        static Key tcp(String src, int sport, String dst, int dport) {
            return new Key(PacketBuilder.TCP, src, sport, dst, dport);
        }

        static Key udp(String src, int sport, String dst, int dport) {
            return new Key(PacketBuilder.UDP, src, sport, dst, dport);
        }
    }

    /** The headers of the frame a key was offloaded with, as the worker rewrote them. */
    record Rewrite(String src, int sport, String dst, int dport, int ttl, long dstMac) {
    }

    final Map<Key, Rewrite> offloaded = new LinkedHashMap<>();
    final List<Key> forgotten = new ArrayList<>();
    private final Map<Key, long[]> counters = new HashMap<>();
    private final Map<Key, Integer> owners = new HashMap<>();
    /** Per offloaded key, how its frame left ({@link FlowOffload#IN_PLACE}, {@code IPIP}, {@code GUE}). */
    final Map<Key, Integer> encaps = new HashMap<>();
    boolean accept = true;
    int offloadCalls;
    int readAllCalls;

    @Override
    public boolean offload(int owner, int protocol, int src, int sport, int dst, int dport, MemorySegment frame,
                           long offset, int encap) {
        offloadCalls++;
        if (!accept) {
            return false;
        }
        long ip = offset + EthernetHeader.LENGTH;
        long l4 = ip + Ipv4Header.headerLength(frame, ip);
        Key key = key(protocol, src, sport, dst, dport);
        offloaded.put(key, new Rewrite(address(Ipv4Header.src(frame, ip)), Wire.u16(frame, l4),
                address(Ipv4Header.dst(frame, ip)), Wire.u16(frame, l4 + 2), Ipv4Header.ttl(frame, ip),
                EthernetHeader.dst(frame, offset)));
        counters.put(key, new long[2]);
        owners.put(key, owner);
        encaps.put(key, encap);
        return true;
    }

    @Override
    public int readAll(XdpFlowMap.CountSink sink) {
        readAllCalls++;
        for (Map.Entry<Key, long[]> e : counters.entrySet()) {
            sink.counted(owners.get(e.getKey()), e.getValue()[0], e.getValue()[1]);
        }
        return counters.size();
    }

    @Override
    public boolean forget(int protocol, int src, int sport, int dst, int dport, long[] counts) {
        Key key = key(protocol, src, sport, dst, dport);
        offloaded.remove(key);
        owners.remove(key);
        long[] c = counters.remove(key);
        forgotten.add(key);
        if (c == null) {
            return false;
        }
        counts[0] = c[0];
        counts[1] = c[1];
        return true;
    }

    /** The fast path forwarded {@code frames} more frames of {@code frameLength} bytes (Ethernet included). */
    void forward(Key key, long frames, int frameLength) {
        long[] c = counters.get(key);
        if (c == null) {
            throw new IllegalStateException(key + " is not offloaded");
        }
        c[0] += frames;
        c[1] += frames * frameLength;
    }

    private static Key key(int protocol, int src, int sport, int dst, int dport) {
        return new Key(protocol, address(src), sport, address(dst), dport);
    }

    private static String address(int v4) {
        return IpAddress.ofV4(v4).toString();
    }
}
