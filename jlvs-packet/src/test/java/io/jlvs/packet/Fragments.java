package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What a receiver's IP layer does with the fragments the data plane sent: each frame is checked as a fragment
 * of one datagram (fits the MTU, valid header checksum, same identification, addresses and protocol, offsets
 * following each other, data a multiple of 8 bytes but the last, MF on all but the last), then the datagram
 * is put together again from the first fragment's header and every fragment's data.
 */
final class Fragments {
    private static final int ETH = 14;

    private Fragments() {
    }

    /** The datagram the Ethernet frames {@code frames} (fragments, in any order) reassemble to. */
    static byte[] reassemble(List<byte[]> frames, int mtu) {
        assertThat(frames).as("fragments").hasSizeGreaterThan(1);
        List<byte[]> sorted = frames.stream().sorted(Comparator.comparingInt(Fragments::offsetBytes)).toList();
        byte[] first = sorted.get(0);
        int ihl = (first[ETH] & 0xf) * 4;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < sorted.size(); i++) {
            byte[] f = sorted.get(i);
            int total = u16(f, ETH + 2);
            boolean last = i == sorted.size() - 1;
            assertThat(f.length - ETH).as("fragment %d on the wire", i).isEqualTo(total).isLessThanOrEqualTo(mtu);
            assertThat(PacketBuilder.checksum(f, ETH, (f[ETH] & 0xf) * 4, 0)).as("header checksum of fragment %d", i)
                    .isZero();
            assertThat(Arrays.copyOfRange(f, 0, 12)).as("MACs of fragment %d", i)
                    .isEqualTo(Arrays.copyOfRange(first, 0, 12));
            assertThat(u16(f, ETH + 4)).as("identification of fragment %d", i).isEqualTo(u16(first, ETH + 4));
            assertThat(Arrays.copyOfRange(f, ETH + 12, ETH + 20)).as("addresses of fragment %d", i)
                    .isEqualTo(Arrays.copyOfRange(first, ETH + 12, ETH + 20));
            assertThat(f[ETH + 9]).as("protocol of fragment %d", i).isEqualTo(first[ETH + 9]);
            assertThat(offsetBytes(f)).as("offset of fragment %d", i).isEqualTo(data.size());
            assertThat((u16(f, ETH + 6) & 0x2000) != 0).as("MF of fragment %d", i).isEqualTo(!last);
            assertThat(u16(f, ETH + 6) & 0x4000).as("DF of fragment %d", i).isZero();
            int h = (f[ETH] & 0xf) * 4;
            assertThat(h).as("header length of fragment %d", i).isEqualTo(ihl);
            if (!last) {
                assertThat((total - h) % 8).as("data of fragment %d, in 8-byte units", i).isZero();
            }
            data.write(f, ETH + h, total - h);
        }
        byte[] d = new byte[ihl + data.size()];
        System.arraycopy(first, ETH, d, 0, ihl);
        System.arraycopy(data.toByteArray(), 0, d, ihl, data.size());
        PacketBuilder.put16(d, 2, d.length);
        PacketBuilder.put16(d, 6, 0);
        PacketBuilder.put16(d, 10, 0);
        PacketBuilder.put16(d, 10, PacketBuilder.checksum(d, 0, ihl, 0));
        return d;
    }

    /**
     * The datagram cut as a sender cuts it: fragments of {@code dataPerFragment} bytes of data (a multiple of
     * 8) each but the last, every one with the datagram's header (options included), as Ethernet frames.
     */
    static List<byte[]> cut(byte[] datagram, int dataPerFragment, long srcMac, long dstMac) {
        int ihl = (datagram[0] & 0xf) * 4;
        int data = datagram.length - ihl;
        List<byte[]> out = new java.util.ArrayList<>();
        for (int from = 0; from < data; from += dataPerFragment) {
            int bytes = Math.min(dataPerFragment, data - from);
            byte[] f = new byte[ETH + ihl + bytes];
            PacketBuilder.putMac(f, 0, dstMac);
            PacketBuilder.putMac(f, 6, srcMac);
            PacketBuilder.put16(f, 12, 0x0800);
            System.arraycopy(datagram, 0, f, ETH, ihl);
            System.arraycopy(datagram, ihl + from, f, ETH + ihl, bytes);
            PacketBuilder.put16(f, ETH + 2, ihl + bytes);
            PacketBuilder.put16(f, ETH + 6, (from + bytes < data ? 0x2000 : 0) | from / 8);
            PacketBuilder.put16(f, ETH + 10, 0);
            PacketBuilder.put16(f, ETH + 10, PacketBuilder.checksum(f, ETH, ihl, 0));
            out.add(f);
        }
        return out;
    }

    /** The fragment's IP header options, as sent. */
    static byte[] options(byte[] frame) {
        return Arrays.copyOfRange(frame, ETH + 20, ETH + (frame[ETH] & 0xf) * 4);
    }

    static int offsetBytes(byte[] frame) {
        return (u16(frame, ETH + 6) & 0x1fff) * 8;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }
}
