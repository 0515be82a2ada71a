package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The XDP fast path run by the kernel on frames built here (BPF_PROG_TEST_RUN: the real verifier and
 * interpreter or JIT, nothing sent): an offloaded flow's frames leave rewritten with checksums a receiver
 * accepts, everything the worker must see is left alone.
 */
class XdpFastPathLabTest {
    private static final int XDP_PASS = 2;
    private static final int XDP_REDIRECT = 4;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ACK = 0x10;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_0aL;
    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_02L;
    private static final long DIRECTOR_MAC2 = 0x02_00_00_00_01_02L;
    private static final long SERVER_MAC = 0x02_00_00_00_01_0bL;
    private static final int CLIENT = 0x0a4d000a;
    private static final int VIP = 0x0a4d0064;
    private static final int SERVER = 0x0a4d010b;
    private static final int DIRECTOR = 0x0a4d0002;

    /** Ethernet + IPv4 (TTL 64, DF) + TCP or UDP with {@code payload} bytes, checksums right. */
    static byte[] frame(int protocol, int src, int sport, int dst, int dport, int tcpFlags, int payload,
                        long seed) {
        int l4 = protocol == TCP ? 20 : 8;
        byte[] f = new byte[14 + 20 + l4 + payload];
        ByteBuffer b = ByteBuffer.wrap(f);
        Frames.putMac(b, DIRECTOR_MAC);
        Frames.putMac(b, CLIENT_MAC);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4 + payload));
        b.putShort((short) 0x1234).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) protocol).putShort((short) 0);
        b.putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport);
        if (protocol == TCP) {
            b.putInt(0x01020304).putInt(0x05060708).put((byte) 0x50).put((byte) tcpFlags).putShort((short) 502)
                    .putShort((short) 0).putShort((short) 0);
        } else {
            b.putShort((short) (8 + payload)).putShort((short) 0);
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < payload; i++) {
            b.put((byte) r.nextInt(256));
        }
        seal(f);
        return f;
    }

    /** Computes both checksums from scratch, as a sender would. */
    static void seal(byte[] f) {
        f[24] = 0;
        f[25] = 0;
        int ip = Frames.checksum(f, 14, 20);
        f[24] = (byte) (ip >>> 8);
        f[25] = (byte) ip;
        int at = transportChecksumAt(f);
        f[at] = 0;
        f[at + 1] = 0;
        int sum = transportChecksum(f);
        if (f[23] == UDP && sum == 0) {
            sum = 0xffff;
        }
        f[at] = (byte) (sum >>> 8);
        f[at + 1] = (byte) sum;
    }

    private static int transportChecksumAt(byte[] f) {
        return f[23] == TCP ? 34 + 16 : 34 + 6;
    }

    /** The transport checksum over the pseudo header and segment: 0 when the stored checksum is right. */
    static int transportChecksum(byte[] f) {
        int len = f.length - 34;
        byte[] p = new byte[12 + len];
        System.arraycopy(f, 26, p, 0, 8);
        p[9] = f[23];
        p[10] = (byte) (len >>> 8);
        p[11] = (byte) len;
        System.arraycopy(f, 34, p, 12, len);
        return Frames.checksum(p, 0, p.length);
    }

    private static int u16(byte[] f, int at) {
        return (f[at] & 0xff) << 8 | f[at + 1] & 0xff;
    }

    private static int u32(byte[] f, int at) {
        return ByteBuffer.wrap(f, at, 4).getInt();
    }

    private static long mac(byte[] f, int at) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = m << 8 | f[at + i] & 0xff;
        }
        return m;
    }

    private interface Body {
        void run(XdpFlowMap flows, XdpSteering program, int ifindex) throws Exception;
    }

    private static void withProgram(int capacity, Body body) throws Exception {
        try (VethLab lab = VethLab.create();
                XdpFlowMap flows = XdpFlowMap.create(capacity);
                XdpSteering program = XdpSteering.attach(lab.host, XdpMode.GENERIC, flows)) {
            body.run(flows, program, new Syscalls().ifNameToIndex(lab.host));
        }
    }

    @Test
    void anOffloadedTcpSegmentLeavesRewrittenWithChecksumsAReceiverAccepts() throws Exception {
        withProgram(64, (flows, program, ifindex) -> {
            assertThat(flows.put(TCP, CLIENT, 40000, VIP, 80, CLIENT, 40000, SERVER, 8080, ifindex, SERVER_MAC,
                    DIRECTOR_MAC2, 1)).isTrue();
            byte[] f = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 300, 1);

            assertThat(program.testRun(f)).isEqualTo(XDP_REDIRECT);

            assertThat(mac(f, 0)).as("destination MAC").isEqualTo(SERVER_MAC);
            assertThat(mac(f, 6)).as("source MAC").isEqualTo(DIRECTOR_MAC2);
            assertThat(u32(f, 26)).isEqualTo(CLIENT);
            assertThat(u32(f, 30)).isEqualTo(SERVER);
            assertThat(u16(f, 34)).isEqualTo(40000);
            assertThat(u16(f, 36)).isEqualTo(8080);
            assertThat(f[22]).as("TTL").isEqualTo((byte) 63);
            assertThat(Frames.checksum(f, 14, 20)).as("IPv4 header checksum verifies").isZero();
            assertThat(transportChecksum(f)).as("TCP checksum verifies").isZero();

            long[] counts = new long[2];
            assertThat(flows.counters(TCP, CLIENT, 40000, VIP, 80, counts)).isTrue();
            assertThat(counts).containsExactly(1, f.length);

            // Ethernet padding after the datagram is not counted; a datagram longer than its frame is
            // the worker's to drop
            byte[] padded = Arrays.copyOf(frame(TCP, CLIENT, 40000, VIP, 80, ACK, 0, 2), 60);
            assertThat(program.testRun(padded)).isEqualTo(XDP_REDIRECT);
            byte[] overlong = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 10, 2);
            overlong[17] += 1;
            seal(overlong);
            byte[] before = overlong.clone();
            assertThat(program.testRun(overlong)).isEqualTo(XDP_PASS);
            assertThat(overlong).isEqualTo(before);
            // taking the entry back hands over its last counts and the next frame goes to the worker
            long[] last = new long[2];
            assertThat(flows.take(TCP, CLIENT, 40000, VIP, 80, last)).isTrue();
            assertThat(last).containsExactly(2, f.length + 14 + 20 + 20);
            assertThat(flows.take(TCP, CLIENT, 40000, VIP, 80, last)).isFalse();
            byte[] after = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 100, 2);
            assertThat(program.testRun(after)).isEqualTo(XDP_PASS);
            assertThat(u32(after, 30)).isEqualTo(VIP);
        });
    }

    @Test
    void repliesAndUdpAreRewrittenRightForManyAddressesPortsAndPayloads() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        withProgram(1024, (flows, program, ifindex) -> {
            for (int i = 0; i < 300; i++) {
                int protocol = i % 2 == 0 ? TCP : UDP;
                int src = r.nextInt();
                int dst = r.nextInt();
                int sport = r.nextInt(65536);
                int dport = r.nextInt(65536);
                int newSrc = i % 3 == 0 ? src : r.nextInt();
                int newDst = i % 3 == 1 ? dst : r.nextInt();
                int newSport = r.nextInt(65536);
                int newDport = r.nextInt(65536);
                flows.put(protocol, src, sport, dst, dport, newSrc, newSport, newDst, newDport, ifindex,
                        SERVER_MAC, DIRECTOR_MAC, i);
                byte[] f = frame(protocol, src, sport, dst, dport, ACK, r.nextInt(200), i);
                f[22] = (byte) (2 + r.nextInt(254));
                seal(f);

                assertThat(program.testRun(f)).isEqualTo(XDP_REDIRECT);

                String what = "case " + i;
                assertThat(new int[] {u32(f, 26), u32(f, 30), u16(f, 34), u16(f, 36)}).as(what)
                        .containsExactly(newSrc, newDst, newSport, newDport);
                assertThat(Frames.checksum(f, 14, 20)).as(what).isZero();
                assertThat(transportChecksum(f)).as(what).isZero();
                assertThat(u16(f, transportChecksumAt(f))).as(what + ": UDP never sends a computed 0")
                        .isNotZero();
                flows.remove(protocol, src, sport, dst, dport);
            }
        });
    }

    @Test
    void aUdpDatagramWithoutChecksumKeepsNone() throws Exception {
        withProgram(64, (flows, program, ifindex) -> {
            flows.put(UDP, SERVER, 5201, CLIENT, 40000, VIP, 5201, CLIENT, 40000, ifindex, CLIENT_MAC,
                    DIRECTOR_MAC, 1);
            byte[] f = frame(UDP, SERVER, 5201, CLIENT, 40000, 0, 64, 3);
            f[40] = 0;
            f[41] = 0;

            assertThat(program.testRun(f)).isEqualTo(XDP_REDIRECT);

            assertThat(u32(f, 26)).isEqualTo(VIP);
            assertThat(u16(f, 40)).isZero();
            assertThat(Frames.checksum(f, 14, 20)).isZero();
        });
    }

    /**
     * A frame longer than its entry's largest (the leaving link's MTU, lowered since the flow was offloaded)
     * goes to the worker untouched and uncounted, which answers fragmentation-needed; a redirect would be
     * dropped by the kernel without a word and the connection would stall. One of exactly that size is
     * forwarded.
     */
    @Test
    void aFrameLargerThanTheLeavingLinkTakesGoesToTheWorker() throws Exception {
        withProgram(64, (flows, program, ifindex) -> {
            byte[] fits = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 100, 1);
            flows.put(TCP, CLIENT, 40000, VIP, 80, CLIENT, 40000, SERVER, 80, ifindex, SERVER_MAC, DIRECTOR_MAC, 1,
                    fits.length);
            byte[] larger = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 101, 1);
            byte[] before = larger.clone();
            assertThat(program.testRun(larger)).isEqualTo(XDP_PASS);
            assertThat(larger).isEqualTo(before);
            long[] counts = new long[2];
            flows.counters(TCP, CLIENT, 40000, VIP, 80, counts);
            assertThat(counts).containsExactly(0, 0);

            assertThat(program.testRun(fits)).isEqualTo(XDP_REDIRECT);
            flows.counters(TCP, CLIENT, 40000, VIP, 80, counts);
            assertThat(counts).containsExactly(1, fits.length);
        });
    }

    /** Outer IPv4, and UDP and GUE's header for GUE, or GRE's header. */
    private static int overhead(int encap) {
        return switch (encap) {
            case XdpFlowMap.ENCAP_GUE -> 20 + 8 + 4;
            case XdpFlowMap.ENCAP_GRE -> 20 + 4;
            default -> 20;
        };
    }

    /**
     * The frame a TUN real server gets for {@code in}: Ethernet to it, an outer IPv4 header (TOS with CE made
     * ECT(0), DF and TTL of the inner datagram after its TTL decrement, identification 0, protocol 4, 17 or 47), for GUE a UDP
     * header (checksum 0) and the 4-byte GUE header for IPv4, for GRE its 4-byte header for IPv4, then the datagram with TTL less one; every
     * checksum computed from scratch.
     */
    private static byte[] tunnelled(byte[] in, int encap, int sport, int dport) {
        boolean gue = encap == XdpFlowMap.ENCAP_GUE;
        int datagram = in.length - 14;
        int overhead = overhead(encap);
        byte[] inner = Arrays.copyOfRange(in, 14, in.length);
        inner[8]--;
        inner[10] = 0;
        inner[11] = 0;
        int c = Frames.checksum(inner, 0, 20);
        inner[10] = (byte) (c >>> 8);
        inner[11] = (byte) c;
        ByteBuffer b = ByteBuffer.allocate(14 + overhead + datagram);
        Frames.putMac(b, SERVER_MAC);
        Frames.putMac(b, DIRECTOR_MAC2);
        b.putShort((short) 0x0800);
        // the outer TOS is the inner's, an inner CE (ECN 11) made ECT(0) (10), as the kernel's ECN encapsulation
        byte tos = (inner[1] & 3) == 3 ? (byte) (inner[1] & ~1) : inner[1];
        b.put((byte) 0x45).put(tos).putShort((short) (overhead + datagram)).putShort((short) 0)
                .putShort((short) 0x4000).put(inner[8]).put((byte) encap).putShort((short) 0)
                .putInt(DIRECTOR).putInt(SERVER);
        if (gue) {
            b.putShort((short) sport).putShort((short) dport).putShort((short) (12 + datagram)).putShort((short) 0)
                    .putInt(0x00040000);
        } else if (encap == XdpFlowMap.ENCAP_GRE) {
            b.putShort((short) 0).putShort((short) 0x0800); // no flags, version 0, IPv4
        }
        b.put(inner);
        byte[] f = b.array();
        int outer = Frames.checksum(f, 14, 20);
        f[24] = (byte) (outer >>> 8);
        f[25] = (byte) outer;
        return f;
    }

    /**
     * A flow to a TUN real server: its later frames leave behind outer headers, byte for byte as the worker
     * builds them (IPIP; GUE without a UDP checksum; GRE without a checksum), for TCP and UDP, a TOS and TTLs other than the usual;
     * counted with the datagram's length. A datagram without DF (the worker numbers its outer
     * identification), or one that would no longer fit the link with the headers, goes to the worker
     * untouched.
     */
    @ParameterizedTest(name = "IP protocol {0}")
    @ValueSource(ints = {XdpFlowMap.ENCAP_IPIP, XdpFlowMap.ENCAP_GUE, XdpFlowMap.ENCAP_GRE})
    void aTunnelledFlowLeavesBehindTheOuterHeadersTheWorkerWouldPut(int encap) throws Exception {
        int overhead = overhead(encap);
        withProgram(64, (flows, program, ifindex) -> {
            SplittableRandom r = new SplittableRandom(11);
            for (int i = 0; i < 40; i++) {
                int protocol = i % 2 == 0 ? TCP : UDP;
                int sport = 1024 + r.nextInt(60000);
                int gueSport = 32768 + r.nextInt(28000);
                assertThat(flows.putTunnel(protocol, CLIENT, sport, VIP, 80, encap, DIRECTOR, SERVER, gueSport, 6080,
                        ifindex, SERVER_MAC, DIRECTOR_MAC2, i, 1514 - overhead)).isTrue();
                byte[] in = frame(protocol, CLIENT, sport, VIP, 80, ACK, r.nextInt(1400), i);
                in[15] = (byte) r.nextInt(256); // TOS, ECN bits included
                in[22] = (byte) (2 + r.nextInt(254));
                seal(in);

                XdpSteering.TestRun run = program.testRunResizing(in.clone());

                String what = "case " + i;
                assertThat(run.action()).as(what).isEqualTo(XDP_REDIRECT);
                assertThat(run.frame()).as(what).isEqualTo(tunnelled(in, encap, gueSport, 6080));
                long[] counts = new long[2];
                flows.counters(protocol, CLIENT, sport, VIP, 80, counts);
                assertThat(counts).as(what).containsExactly(1, in.length);
                flows.remove(protocol, CLIENT, sport, VIP, 80);
            }

            flows.putTunnel(TCP, CLIENT, 40000, VIP, 80, encap, DIRECTOR, SERVER, 40001, 6080, ifindex, SERVER_MAC,
                    DIRECTOR_MAC2, 1, 1514 - overhead);
            byte[] noDf = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 100, 1);
            noDf[20] = 0;
            seal(noDf);
            byte[] tooBig = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 1500 - 40 - overhead + 1, 1);
            for (byte[] f : new byte[][] {noDf, tooBig}) {
                byte[] before = f.clone();
                assertThat(program.testRun(f)).isEqualTo(XDP_PASS);
                assertThat(f).isEqualTo(before);
            }
            // a bare ACK padded to Ethernet's 60 bytes: the padding stays out of the tunnel
            byte[] ack = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 0, 1);
            XdpSteering.TestRun padded = program.testRunResizing(Arrays.copyOf(ack, 60));
            assertThat(padded.action()).isEqualTo(XDP_REDIRECT);
            assertThat(padded.frame()).isEqualTo(tunnelled(ack, encap, 40001, 6080));
            byte[] fits = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 1500 - 40 - overhead, 1);
            XdpSteering.TestRun run = program.testRunResizing(fits.clone());
            assertThat(run.action()).isEqualTo(XDP_REDIRECT);
            assertThat(run.frame()).hasSize(1514);
        });
    }

    @Test
    void framesTheWorkerMustSeePassUntouched() throws Exception {
        withProgram(64, (flows, program, ifindex) -> {
            flows.put(TCP, CLIENT, 40000, VIP, 80, CLIENT, 40000, SERVER, 80, ifindex, SERVER_MAC, DIRECTOR_MAC, 1);
            byte[][] cases = {
                frame(TCP, CLIENT, 40000, VIP, 80, 0x02, 0, 1), // SYN
                frame(TCP, CLIENT, 40000, VIP, 80, 0x11, 0, 1), // FIN+ACK
                frame(TCP, CLIENT, 40000, VIP, 80, 0x14, 0, 1), // RST+ACK
                frame(TCP, CLIENT, 40001, VIP, 80, ACK, 10, 1), // another flow
                frame(UDP, CLIENT, 40000, VIP, 80, 0, 10, 1), // another protocol
                ttl(frame(TCP, CLIENT, 40000, VIP, 80, ACK, 10, 1), 1),
                fragment(frame(TCP, CLIENT, 40000, VIP, 80, ACK, 10, 1)),
                Arrays.copyOf(frame(TCP, CLIENT, 40000, VIP, 80, ACK, 0, 1), 50), // truncated
            };
            for (byte[] f : cases) {
                byte[] before = f.clone();
                assertThat(program.testRun(f)).isEqualTo(XDP_PASS);
                assertThat(f).isEqualTo(before);
            }
            long[] counts = new long[2];
            flows.counters(TCP, CLIENT, 40000, VIP, 80, counts);
            assertThat(counts).containsExactly(0, 0);

            flows.remove(TCP, CLIENT, 40000, VIP, 80);
            byte[] f = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 10, 1);
            byte[] before = f.clone();
            assertThat(program.testRun(f)).as("after remove").isEqualTo(XDP_PASS);
            assertThat(f).isEqualTo(before);
            assertThat(flows.counters(TCP, CLIENT, 40000, VIP, 80, counts)).isFalse();
        });
    }

    @Test
    void readAllReportsEveryEntryOnceWithItsOwnerAndCounts() throws Exception {
        // more entries than one batch (256), so the reading goes on from where each call stopped
        int entries = 1000;
        withProgram(entries, (flows, program, ifindex) -> {
            for (int i = 0; i < entries; i++) {
                assertThat(flows.put(TCP, CLIENT, 1000 + i, VIP, 80, CLIENT, 1000 + i, SERVER, 80, ifindex,
                        SERVER_MAC, DIRECTOR_MAC, 7 * i + 3)).isTrue();
            }
            // entry i forwards i % 3 frames of 54 + i % 50 bytes
            for (int i = 0; i < entries; i++) {
                for (int k = 0; k < i % 3; k++) {
                    assertThat(program.testRun(frame(TCP, CLIENT, 1000 + i, VIP, 80, ACK, i % 50, k)))
                            .isEqualTo(XDP_REDIRECT);
                }
            }
            long[][] seen = new long[entries][];
            int read = flows.readAll((owner, frames, bytes) -> {
                assertThat((owner - 3) % 7).as("owner %d", owner).isZero();
                int i = (owner - 3) / 7;
                assertThat(seen[i]).as("entry %d reported twice", i).isNull();
                seen[i] = new long[] {frames, bytes};
            });
            assertThat(read).isEqualTo(entries);
            for (int i = 0; i < entries; i++) {
                assertThat(seen[i]).as("entry %d", i).containsExactly(i % 3, (long) (i % 3) * (54 + i % 50));
            }
            for (int i = 0; i < entries; i += 2) {
                flows.remove(TCP, CLIENT, 1000 + i, VIP, 80);
            }
            int[] owners = {0};
            assertThat(flows.readAll((owner, frames, bytes) -> owners[0]++)).isEqualTo(entries / 2);
            assertThat(owners[0]).isEqualTo(entries / 2);
        });
        withProgram(4, (flows, program, ifindex) -> assertThat(flows.readAll((o, f, b) -> {
            throw new AssertionError("an empty table has nothing to report");
        })).isZero());
    }

    /**
     * The program AF_PACKET workers use: the fast path alone, everything else passed on to the kernel (and
     * the workers' sockets) untouched; entries written through another thread's handle of the table count.
     */
    @Test
    void theForwarderAloneRewritesOffloadedFlowsAndPassesEveryOtherFrameOn() throws Exception {
        try (VethLab lab = VethLab.create();
                XdpFlowMap flows = XdpFlowMap.create(16);
                XdpForwarder program = XdpForwarder.attach(lab.host, XdpMode.GENERIC, flows)) {
            int ifindex = new Syscalls().ifNameToIndex(lab.host);
            assertThat(program.ifindex()).isEqualTo(ifindex);
            assertThat(program.mode()).isEqualTo(XdpMode.GENERIC);
            try (XdpFlowMap worker = flows.handle()) {
                assertThat(worker.put(TCP, CLIENT, 40000, VIP, 80, CLIENT, 40000, SERVER, 8080, ifindex, SERVER_MAC,
                        DIRECTOR_MAC2, 5)).isTrue();
                byte[] f = frame(TCP, CLIENT, 40000, VIP, 80, ACK, 200, 3);
                assertThat(program.testRun(f).action()).isEqualTo(XDP_REDIRECT);
                byte[] out = program.testRun(frame(TCP, CLIENT, 40000, VIP, 80, ACK, 200, 3)).frame();
                assertThat(u32(out, 30)).isEqualTo(SERVER);
                assertThat(u16(out, 36)).isEqualTo(8080);
                assertThat(mac(out, 0)).isEqualTo(SERVER_MAC);
                assertThat(transportChecksum(out)).as("TCP checksum verifies").isZero();
                int[] owners = {0};
                assertThat(worker.readAll((owner, frames, bytes) -> {
                    assertThat(owner).isEqualTo(5);
                    assertThat(frames).isEqualTo(2);
                    owners[0]++;
                })).isEqualTo(1);
                assertThat(owners[0]).isEqualTo(1);
            }
            // the handle closed, the table and the program go on
            long[] counts = new long[2];
            assertThat(flows.counters(TCP, CLIENT, 40000, VIP, 80, counts)).isTrue();
            assertThat(counts[0]).isEqualTo(2);
            byte[][] others = {
                frame(TCP, CLIENT, 40000, VIP, 80, 0x02, 0, 1), // SYN
                frame(TCP, CLIENT, 40001, VIP, 80, ACK, 10, 1), // another flow
                arp(),
            };
            for (byte[] o : others) {
                byte[] before = o.clone();
                XdpSteering.TestRun r = program.testRun(o);
                assertThat(r.action()).isEqualTo(XDP_PASS);
                assertThat(r.frame()).isEqualTo(before);
            }
        }
    }

    private static byte[] arp() {
        byte[] f = new byte[60];
        ByteBuffer b = ByteBuffer.wrap(f);
        Frames.putMac(b, 0xffff_ffff_ffffL);
        Frames.putMac(b, CLIENT_MAC);
        b.putShort((short) 0x0806).putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4)
                .putShort((short) 1);
        Frames.putMac(b, CLIENT_MAC);
        b.putInt(CLIENT);
        Frames.putMac(b, 0);
        b.putInt(VIP);
        return f;
    }

    @Test
    void aFullTableRefusesMoreFlows() throws Exception {
        withProgram(2, (flows, program, ifindex) -> {
            assertThat(flows.put(TCP, CLIENT, 1, VIP, 80, CLIENT, 1, SERVER, 80, ifindex, 1, 2, 0)).isTrue();
            assertThat(flows.put(TCP, CLIENT, 2, VIP, 80, CLIENT, 2, SERVER, 80, ifindex, 1, 2, 0)).isTrue();
            assertThat(flows.put(TCP, CLIENT, 3, VIP, 80, CLIENT, 3, SERVER, 80, ifindex, 1, 2, 0)).isFalse();
            assertThat(flows.put(TCP, CLIENT, 1, VIP, 80, CLIENT, 1, SERVER, 81, ifindex, 1, 2, 0))
                    .as("replacing an entry needs no room").isTrue();
        });
    }

    private static byte[] ttl(byte[] f, int ttl) {
        f[22] = (byte) ttl;
        seal(f);
        return f;
    }

    private static byte[] fragment(byte[] f) {
        f[20] = 0x20; // more fragments
        seal(f);
        return f;
    }
}
