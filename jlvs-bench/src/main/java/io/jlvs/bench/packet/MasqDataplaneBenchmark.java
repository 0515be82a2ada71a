package io.jlvs.bench.packet;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.packet.Dataplane;
import io.jlvs.packet.DataplaneConfig;
import io.jlvs.packet.MemoryPacketIo;
import io.jlvs.packet.NeighbourTable;
import io.jlvs.packet.Verdict;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One established MASQ TCP connection through the packet data plane with in-memory packet I/O:
 * client-to-server data segments (DNAT with port change) and server replies (SNAT), in batches of 32.
 * Each packet is copied into the receive ring, validated, looked up, rewritten with incremental
 * checksums and copied to the transmit ring. Run with -prof gc to see the allocation per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MasqDataplaneBenchmark {
    private static final int BATCH = 32;
    private static final long OUR_MAC = 0x02_00_00_00_00_d1L;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0cL;
    private static final long RS_MAC = 0x02_00_00_00_01_11L;
    private static final int CLIENT = 0xc000020a;
    private static final int VIP = 0x0a4d0064;
    private static final int RS = 0x0a00000b;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private MemoryPacketIo io;
    private Dataplane dataplane;
    private MemorySegment request;
    private MemorySegment reply;
    private int requestLength;
    private int replyLength;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        IpvsEngine engine = new IpvsEngine();
        InetServiceKey key = new InetServiceKey(Protocol.TCP, IpAddress.ofV4(VIP), 80);
        engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "wlc")));
        engine.execute(new IpvsCommand.AddServer(key, RealServer.of(IpAddress.ofV4(RS), 8080, ForwardingMethod.MASQ, 1)));
        io = new MemoryPacketIo(OUR_MAC, 1500, 256, 2048);
        long[] clock = {1_000_000_000_000L};
        NeighbourTable neighbours = ip -> ip == RS ? RS_MAC : ip == CLIENT ? CLIENT_MAC : NeighbourTable.UNKNOWN;
        dataplane = new Dataplane(io, DataplaneConfig.of(0x0a4d0002, 65536), neighbours, () -> clock[0]);
        dataplane.attachTo(engine);

        MemorySegment syn = tcpFrame(CLIENT_MAC, OUR_MAC, CLIENT, 40000, VIP, 80, 0x02, 0);
        io.inject(syn, 0, (int) syn.byteSize());
        dataplane.runOnce();
        request = tcpFrame(CLIENT_MAC, OUR_MAC, CLIENT, 40000, VIP, 80, 0x10, 512);
        requestLength = (int) request.byteSize();
        reply = tcpFrame(RS_MAC, OUR_MAC, RS, 8080, CLIENT, 40000, 0x10, 1400);
        replyLength = (int) reply.byteSize();
        io.inject(request, 0, requestLength);
        io.inject(reply, 0, replyLength);
        dataplane.runOnce();
        if (io.discardTransmitted() != 3 || dataplane.lastVerdict() != Verdict.FORWARD) {
            throw new IllegalStateException("the MASQ connection did not forward");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        io.close();
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int clientToServer() {
        for (int i = 0; i < BATCH; i++) {
            io.inject(request, 0, requestLength);
        }
        dataplane.runOnce();
        return io.discardTransmitted();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int serverToClient() {
        for (int i = 0; i < BATCH; i++) {
            io.inject(reply, 0, replyLength);
        }
        dataplane.runOnce();
        return io.discardTransmitted();
    }

    /** An Ethernet/IPv4/TCP frame with valid checksums and {@code payload} bytes of data. */
    private MemorySegment tcpFrame(long srcMac, long dstMac, int src, int sport, int dst, int dport, int flags,
                                   int payload) {
        int ipLength = 20 + 20 + payload;
        MemorySegment f = arena.allocate(14 + ipLength);
        f.set(U16, 0, (short) (dstMac >>> 32));
        f.set(U32, 2, (int) dstMac);
        f.set(U16, 6, (short) (srcMac >>> 32));
        f.set(U32, 8, (int) srcMac);
        f.set(U16, 12, (short) 0x0800);
        f.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x45);
        f.set(U16, 16, (short) ipLength);
        f.set(U16, 20, (short) 0x4000);
        f.set(ValueLayout.JAVA_BYTE, 22, (byte) 64);
        f.set(ValueLayout.JAVA_BYTE, 23, (byte) 6);
        f.set(U32, 26, src);
        f.set(U32, 30, dst);
        f.set(U16, 24, (short) checksum(f, 14, 20, 0));
        f.set(U16, 34, (short) sport);
        f.set(U16, 36, (short) dport);
        f.set(U32, 38, 1000);
        f.set(U32, 42, 2000);
        f.set(ValueLayout.JAVA_BYTE, 46, (byte) 0x50);
        f.set(ValueLayout.JAVA_BYTE, 47, (byte) flags);
        f.set(U16, 48, (short) 65535);
        for (int i = 0; i < payload; i++) {
            f.set(ValueLayout.JAVA_BYTE, 54 + i, (byte) i);
        }
        int pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + 20 + payload;
        f.set(U16, 50, (short) checksum(f, 34, 20 + payload, pseudo));
        return f;
    }

    private static int checksum(MemorySegment s, long off, int len, int initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += s.get(U16, off + i) & 0xffff;
        }
        if ((len & 1) != 0) {
            sum += (s.get(ValueLayout.JAVA_BYTE, off + len - 1) & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
