package io.jlvs.sys;

import java.util.Objects;

/**
 * How to open an {@link AfPacketIo}: the interface, which frames, the ring geometry, and the socket options.
 *
 * @param interfaceName       the interface to bind to
 * @param ethertype           the protocol bound ({@code 0x0003} ETH_P_ALL, {@code 0x0800} IPv4, ...)
 * @param blockSize           bytes per receive block; a multiple of the page size
 * @param blockCount          receive blocks in the ring
 * @param frameSize           the transmit slot size (header included); also the receive frame hint
 * @param txFrames            transmit ring slots (TX_RING mode)
 * @param blockTimeoutMillis  how long the kernel keeps a partly filled block before handing it over
 * @param pollTimeoutMillis   the longest {@code receive} waits when nothing is ready
 * @param fanoutGroup         PACKET_FANOUT hash group id, or -1 for no fanout
 * @param ignoreOutgoing      PACKET_IGNORE_OUTGOING: do not see frames this host sends
 * @param filter              classic BPF attached before binding, or null for none
 * @param txMode              ring or sendto
 * @param ringVersion         TPACKET_V2 (a slot per frame, woken per frame) or TPACKET_V3 (blocks)
 * @param qdiscBypass         PACKET_QDISC_BYPASS: transmitted frames go straight to the driver, past the
 *                            interface's qdisc and past other packet sockets (tcpdump does not see them)
 * @param fanoutProgram       with a fanout group: the classic BPF program that picks the member
 *                            (PACKET_FANOUT_CBPF, e.g. {@link ClientFanout}), or null for the flow hash
 * @param segmentationOffload PACKET_VNET_HDR: each received frame comes with its virtio-net header, which
 *                            gives a TCP super-packet's segment size (GSO, from a sender on this host), and
 *                            a super-packet longer than a TPACKET_V2 slot is read whole from the socket
 *                            (PACKET_COPY_THRESH) instead of cut short; {@link AfPacketIo} writes the
 *                            header of every frame it transmits
 */
public record AfPacketConfig(
        String interfaceName,
        int ethertype,
        int blockSize,
        int blockCount,
        int frameSize,
        int txFrames,
        int blockTimeoutMillis,
        int pollTimeoutMillis,
        int fanoutGroup,
        boolean ignoreOutgoing,
        BpfFilter filter,
        TxMode txMode,
        RingVersion ringVersion,
        boolean qdiscBypass,
        BpfFilter fanoutProgram,
        boolean segmentationOffload) {

    public AfPacketConfig {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(txMode, "txMode");
        Objects.requireNonNull(ringVersion, "ringVersion");
        if (interfaceName.isEmpty() || interfaceName.length() >= Abi.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name must be 1..15 characters: '" + interfaceName + "'");
        }
        if (blockSize < 4096 || blockSize % 4096 != 0) {
            throw new IllegalArgumentException("blockSize must be a positive multiple of 4096: " + blockSize);
        }
        if (blockCount < 1) {
            throw new IllegalArgumentException("blockCount must be at least 1: " + blockCount);
        }
        if (frameSize < 128 || frameSize % 16 != 0 || blockSize % frameSize != 0) {
            throw new IllegalArgumentException("frameSize must be a multiple of 16, at least 128, dividing blockSize: "
                    + frameSize);
        }
        if (txFrames < 1) {
            throw new IllegalArgumentException("txFrames must be at least 1: " + txFrames);
        }
        if (pollTimeoutMillis < 0 || blockTimeoutMillis < 0) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        if (fanoutGroup < -1 || fanoutGroup > 0xffff) {
            throw new IllegalArgumentException("fanoutGroup must be -1 or 0..65535: " + fanoutGroup);
        }
    }

    /**
     * Defaults: all ethertypes, a TPACKET_V3 ring of 16 blocks of 256 KiB, 2 KiB frames, {@code sendto}
     * transmit (256 slots if the ring is chosen), 100 ms poll, outgoing frames ignored, no fanout, no filter,
     * transmit through the qdisc.
     */
    public static Builder forInterface(String name) {
        return new Builder(name);
    }

    /** Builder with the defaults above. */
    /** Room in a ring slot besides the frame: the tpacket header, sockaddr_ll and alignment, with margin. */
    private static final int SLOT_OVERHEAD = 128;

    /**
     * The smallest power-of-two slot (at least 2,048 bytes) that holds a whole frame of a link with
     * {@code mtu}: Ethernet header, one VLAN tag, the MTU, and the ring's own header. A smaller slot would
     * cut jumbo frames short.
     */
    public static int frameSizeFor(int mtu) {
        int need = Math.max(mtu, 576) + 14 + 4 + SLOT_OVERHEAD;
        return Math.max(2048, Integer.highestOneBit(need - 1) << 1);
    }

    public static final class Builder {
        private final String interfaceName;
        private int ethertype = Abi.ETH_P_ALL;
        private int blockSize = 1 << 18;
        private int blockCount = 16;
        private int frameSize = 2048;
        private int txFrames = 256;
        private int blockTimeoutMillis = 4;
        private int pollTimeoutMillis = 100;
        private int fanoutGroup = -1;
        private boolean ignoreOutgoing = true;
        private BpfFilter filter;
        private TxMode txMode = TxMode.SENDTO;
        private RingVersion ringVersion = RingVersion.TPACKET_V3;
        private boolean qdiscBypass;
        private BpfFilter fanoutProgram;
        private boolean segmentationOffload;

        private Builder(String interfaceName) {
            this.interfaceName = interfaceName;
        }

        public Builder ethertype(int value) {
            this.ethertype = value;
            return this;
        }

        public Builder ring(int blockSizeBytes, int blocks) {
            this.blockSize = blockSizeBytes;
            this.blockCount = blocks;
            return this;
        }

        public Builder frameSize(int value) {
            this.frameSize = value;
            return this;
        }

        /** The slot size for frames of a link with {@code mtu} ({@link AfPacketConfig#frameSizeFor}). */
        public Builder frameSizeForMtu(int mtu) {
            this.frameSize = frameSizeFor(mtu);
            return this;
        }

        public Builder txFrames(int value) {
            this.txFrames = value;
            return this;
        }

        public Builder blockTimeoutMillis(int value) {
            this.blockTimeoutMillis = value;
            return this;
        }

        public Builder pollTimeoutMillis(int value) {
            this.pollTimeoutMillis = value;
            return this;
        }

        public Builder fanout(int group) {
            this.fanoutGroup = group;
            return this;
        }

        public Builder ignoreOutgoing(boolean value) {
            this.ignoreOutgoing = value;
            return this;
        }

        public Builder filter(BpfFilter value) {
            this.filter = value;
            return this;
        }

        public Builder txMode(TxMode value) {
            this.txMode = value;
            return this;
        }

        public Builder ringVersion(RingVersion value) {
            this.ringVersion = value;
            return this;
        }

        public Builder qdiscBypass(boolean value) {
            this.qdiscBypass = value;
            return this;
        }

        /** Members are picked by {@code program} (PACKET_FANOUT_CBPF) instead of the flow hash. */
        public Builder fanoutProgram(BpfFilter program) {
            this.fanoutProgram = program;
            return this;
        }

        /** Receive TCP super-packets whole, with their segment size (PACKET_VNET_HDR). */
        public Builder segmentationOffload(boolean value) {
            this.segmentationOffload = value;
            return this;
        }

        public AfPacketConfig build() {
            return new AfPacketConfig(interfaceName, ethertype, blockSize, blockCount, frameSize, txFrames,
                    blockTimeoutMillis, pollTimeoutMillis, fanoutGroup, ignoreOutgoing, filter, txMode, ringVersion,
                    qdiscBypass, fanoutProgram, segmentationOffload);
        }
    }
}
