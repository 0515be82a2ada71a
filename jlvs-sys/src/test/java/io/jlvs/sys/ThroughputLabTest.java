package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.Shell;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quick, bounded measurements printed as {@code [sys] ...} lines (no assertion on speed): frames per second
 * through the receive ring, and the two transmit modes. Correctness is asserted: every frame is accounted for.
 */
class ThroughputLabTest {

    @Test
    void floodPingThroughTheReceiveRing() throws Exception {
        int count = 20000;
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).pollTimeoutMillis(20)
                        .filter(BpfFilter.builder().source(lab.nsAddr).build()).build())) {
            lab.inNs("ping", "-c", "1", "-W", "1", lab.hostAddr.toString());
            io.receive((s, o, l) -> { }, 10);
            long[] requests = {0};
            long[] first = {0};
            long[] last = {0};
            Process flood = lab.startInNs(List.of("ping", "-f", "-q", "-c", String.valueOf(count), "-W", "1",
                    lab.hostAddr.toString()));
            long deadline = System.nanoTime() + 60_000_000_000L;
            long quietSince = 0;
            while (System.nanoTime() < deadline) {
                int n = io.receive((s, off, len) -> {
                    if (Frames.icmpType(s, off) == 8) {
                        long now = System.nanoTime();
                        if (requests[0]++ == 0) {
                            first[0] = now;
                        }
                        last[0] = now;
                    }
                }, 256);
                if (n == 0 && !flood.isAlive()) {
                    if (quietSince == 0) {
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > 200_000_000L) {
                        break;
                    }
                }
            }
            PacketStats stats = io.statistics();
            double seconds = Math.max(1e-9, (last[0] - first[0]) / 1e9);
            System.out.printf("[sys] rx ring, ping -f -c %d: %d echo requests in %.3f s = %.0f frames/s; %s%n",
                    count, requests[0], seconds, requests[0] / seconds, stats);
            assertThat(requests[0] + stats.drops()).isGreaterThanOrEqualTo(count);
        }
    }

    /** A veth pair with both ends in the root namespace and no addresses: frames go only from one end to the other. */
    private static String[] rootPair() throws Exception {
        long pid = ProcessHandle.current().pid();
        String a = "jt" + pid + "a";
        String b = "jt" + pid + "b";
        Shell.run("ip", "link", "add", a, "type", "veth", "peer", "name", b).orThrow("veth");
        for (String dev : new String[] {a, b}) {
            Shell.run("sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=1");
            Shell.run("ip", "link", "set", dev, "up").orThrow("up " + dev);
        }
        return new String[] {a, b};
    }

    @ParameterizedTest
    @CsvSource({"SENDTO, TPACKET_V3", "TX_RING, TPACKET_V3", "SENDTO, TPACKET_V2", "TX_RING, TPACKET_V2"})
    void burstFromOneVethEndToTheOther(TxMode mode, RingVersion version) throws Exception {
        Lab.requireNetns();
        int count = 200_000;
        String[] pair = rootPair();
        try (AfPacketIo tx = AfPacketIo.open(AfPacketConfig.forInterface(pair[0]).txMode(mode).txFrames(512)
                        .ringVersion(version).build());
                AfPacketIo rx = AfPacketIo.open(AfPacketConfig.forInterface(pair[1]).ethertype(0x88b5)
                        .ringVersion(version).pollTimeoutMillis(20).blockTimeoutMillis(1).build())) {
            long dst = rx.macAddress();
            AtomicLong sentNanos = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            Thread sender = Thread.ofPlatform().name("jlvs-tx-burst").start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    byte[] f = Frames.experimental(tx.macAddress(), dst, 0);
                    MemorySegment frame = arena.allocate(f.length);
                    MemorySegment.copy(f, 0, frame, ValueLayout.JAVA_BYTE, 0, f.length);
                    long start = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        frame.set(Frames.BE32, 14, i);
                        int tries = 0;
                        while (!tx.transmit(frame, 0, f.length) && ++tries < 1000) {
                            tx.flush();
                            Thread.onSpinWait();
                        }
                        if (tries >= 1000) {
                            refused.incrementAndGet();
                        }
                        if ((i & 63) == 63) {
                            tx.flush();
                        }
                    }
                    tx.flush();
                    sentNanos.set(System.nanoTime() - start);
                }
            });
            long[] got = {0};
            long[] outOfOrder = {0};
            long[] lastSeq = {-1};
            io.jlvs.core.io.FrameHandler handler = (s, off, len) -> {
                long seq = s.get(Frames.BE32, off + 14);
                if (seq <= lastSeq[0]) {
                    outOfOrder[0]++;
                }
                lastSeq[0] = seq;
                got[0]++;
            };
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            long lastFrame = start;
            long deadline = start + 60_000_000_000L;
            while (System.nanoTime() < deadline && (sender.isAlive() || System.nanoTime() - lastFrame < 300_000_000L)) {
                int n = rx.receive(handler, 512);
                if (n > 0) {
                    lastFrame = System.nanoTime();
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            sender.join(5000);
            long rxNanos = lastFrame - start;
            PacketStats stats = rx.statistics();
            System.out.printf("[sys] %s, tx %s: %d frames of 60 B in %.3f s = %.0f frames/s (%d refused); "
                            + "rx ring: %d frames = %.0f frames/s, %s; receiving thread allocated %d B%n", version,
                    mode, count, sentNanos.get() / 1e9, count / (sentNanos.get() / 1e9), refused.get(), got[0],
                    got[0] / (rxNanos / 1e9), stats, allocated);

            assertThat(sender.isAlive()).isFalse();
            assertThat(outOfOrder[0]).as("frames out of order").isZero();
            assertThat(got[0]).isEqualTo(stats.packets() - stats.drops());
            assertThat(got[0]).isPositive();
        } finally {
            Shell.run("ip", "link", "del", pair[0]);
        }
    }

    @org.junit.jupiter.api.Test
    void afXdpBurstFromOneVethEndToTheOtherAllocatesNothingPerFrameOnceWarm() throws Exception {
        Lab.requireNetns();
        int count = 50_000;
        String[] pair = rootPair();
        io.jlvs.core.IpAddress from = io.jlvs.core.IpAddress.parse("10.255.0.1");
        io.jlvs.core.IpAddress vip = io.jlvs.core.IpAddress.parse("10.255.0.100");
        try (XskSocket tx = XskSocket.open(pair[0], 0, 1024, 20);
                XdpSteering steering = XdpSteering.attach(pair[1]);
                XskSocket rx = XskSocket.open(pair[1], 0, 4096, 20)) {
            steering.register(0, rx);
            steering.steerDestination(vip);
            XskBurst warmUp = new XskBurst(tx, rx, from, vip, 0, count);
            warmUp.run();
            // Until the JIT has compiled the receive path with escape analysis (C2), a burst may still
            // allocate a little; the steady state is the burst after that: up to seven more are sent.
            long received = warmUp.got;
            int bursts = 1;
            XskBurst burst;
            do {
                burst = new XskBurst(tx, rx, from, vip, bursts * count, count);
                burst.run();
                bursts++;
                received += burst.got;
                assertThat(burst.outOfOrder).as("frames out of order").isZero();
            } while (burst.allocated >= burst.got && bursts < 8);
            XdpStatistics stats = rx.statistics();
            System.out.printf("[sys] AF_XDP: %d frames in %.3f s (%d refused); received %d, %s; receiving thread "
                            + "allocated %d B in burst %d, %d B during the first burst%n", count,
                    burst.sentNanos / 1e9, burst.refused, burst.got, stats, burst.allocated, bursts,
                    warmUp.allocated);

            assertThat(received + stats.fillRingEmpty() + stats.rxRingFull())
                    .isLessThanOrEqualTo((long) bursts * count);
            assertThat(burst.got).isGreaterThan(count / 2);
            assertThat(burst.allocated).as("bytes the receiving thread allocated for %d frames", burst.got)
                    .isLessThan(burst.got);
        } finally {
            Shell.run("ip", "link", "del", pair[0]);
        }
    }

    /** One burst of numbered IPv4 frames from {@code tx} to the steered {@code rx}, and what the receiver saw. */
    private static final class XskBurst implements io.jlvs.core.io.FrameHandler {
        final XskSocket tx;
        final XskSocket rx;
        final byte[] frame;
        final int base;
        final int count;
        long sentNanos;
        long refused;
        long got;
        long outOfOrder;
        long lastSeq = -1;
        long allocated;

        /** Numbers the frames base, base + 1, ...; counts only those (late frames of an earlier burst are not ours). */
        XskBurst(XskSocket tx, XskSocket rx, io.jlvs.core.IpAddress from, io.jlvs.core.IpAddress to, int base,
                int count) {
            this.base = base;
            this.tx = tx;
            this.rx = rx;
            // UDP: the steering program takes a virtual address's TCP, UDP and SCTP (pings are the kernel's)
            this.frame = Frames.udp(tx.macAddress(), rx.macAddress(), from, 40000, to, 9, 1);
            this.count = count;
        }

        @Override
        public void onFrame(MemorySegment s, long off, int len) {
            long seq = s.get(Frames.BE32, off + len - 4);
            if (seq < base) {
                return;
            }
            if (seq <= lastSeq) {
                outOfOrder++;
            }
            lastSeq = seq;
            got++;
        }

        void run() throws InterruptedException {
            Thread sender = Thread.ofPlatform().name("jlvs-xsk-burst").start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment f = arena.allocate(frame.length);
                    MemorySegment.copy(frame, 0, f, ValueLayout.JAVA_BYTE, 0, frame.length);
                    long start = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        f.set(Frames.BE32, frame.length - 4, base + i);
                        int tries = 0;
                        while (!tx.transmit(f, 0, frame.length) && ++tries < 1000) {
                            tx.flush();
                            Thread.onSpinWait();
                        }
                        if (tries >= 1000) {
                            refused++;
                        }
                        if ((i & 63) == 63) {
                            tx.flush();
                        }
                    }
                    tx.flush();
                    sentNanos = System.nanoTime() - start;
                }
            });
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            long lastFrame = System.nanoTime();
            long deadline = lastFrame + 60_000_000_000L;
            while (System.nanoTime() < deadline && (sender.isAlive() || System.nanoTime() - lastFrame < 300_000_000L)) {
                if (rx.receive(this, 512) > 0) {
                    lastFrame = System.nanoTime();
                }
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            sender.join(5000);
        }
    }
}
