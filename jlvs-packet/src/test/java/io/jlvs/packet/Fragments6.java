package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * IPv6 fragments (RFC 8200 §4.5) as a sender cuts them and as a receiver puts them together, written apart from
 * the data plane: {@link #cut} makes the Ethernet frames of a packet's fragments; {@link #reassemble} checks
 * frames the data plane sent as the fragments of one datagram (each within a size, the same MACs, unfragmentable
 * part and identification, offsets following each other, data in 8-byte units but the last, M on all but the
 * last) and returns the packet they make.
 */
final class Fragments6 {
    private static final int ETH = 14;
    private static final int FRAGMENT = 44;

    private Fragments6() {
    }

    /**
     * The packet's fragments: its first {@code unfragmentable} bytes (the IPv6 header and the extension headers
     * before the Fragment header) in each, then a Fragment header with {@code id}, then up to
     * {@code dataPerFragment} bytes (a multiple of 8) of the rest, as frames from {@code srcMac} to {@code dstMac}.
     */
    static List<byte[]> cut(byte[] packet, int unfragmentable, int dataPerFragment, int id, long srcMac,
                            long dstMac) {
        int named = namedAt(packet, unfragmentable);
        int next = packet[named] & 0xff;
        int data = packet.length - unfragmentable;
        List<byte[]> out = new ArrayList<>();
        for (int from = 0; from < data; from += dataPerFragment) {
            int bytes = Math.min(dataPerFragment, data - from);
            byte[] f = new byte[ETH + unfragmentable + 8 + bytes];
            PacketBuilder.putMac(f, 0, dstMac);
            PacketBuilder.putMac(f, 6, srcMac);
            PacketBuilder.put16(f, 12, 0x86dd);
            System.arraycopy(packet, 0, f, ETH, unfragmentable);
            f[ETH + named] = FRAGMENT;
            int h = ETH + unfragmentable;
            f[h] = (byte) next;
            PacketBuilder.put16(f, h + 2, from | (from + bytes < data ? 1 : 0));
            PacketBuilder.put32(f, h + 4, id);
            System.arraycopy(packet, unfragmentable + from, f, h + 8, bytes);
            PacketBuilder.put16(f, ETH + 4, unfragmentable - 40 + 8 + bytes);
            out.add(f);
        }
        return out;
    }

    /** The packet the frames (fragments in any order, each with {@code unfragmentable} bytes before its Fragment header) make. */
    static byte[] reassemble(List<byte[]> frames, int unfragmentable, int maxSize) {
        assertThat(frames).as("fragments").hasSizeGreaterThan(1);
        List<byte[]> sorted = frames.stream().sorted(Comparator.comparingInt(f -> offset(f, unfragmentable)))
                .toList();
        byte[] first = sorted.get(0);
        int h = ETH + unfragmentable;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < sorted.size(); i++) {
            byte[] f = sorted.get(i);
            boolean last = i == sorted.size() - 1;
            int payload = u16(f, ETH + 4);
            assertThat(f.length - ETH).as("fragment %d on the wire", i).isEqualTo(40 + payload)
                    .isLessThanOrEqualTo(maxSize);
            assertThat(Arrays.copyOfRange(f, 0, 14)).as("MACs and EtherType of fragment %d", i)
                    .isEqualTo(Arrays.copyOfRange(first, 0, 14));
            byte[] headers = Arrays.copyOfRange(f, ETH, h);
            PacketBuilder.put16(headers, 4, 0);
            byte[] firstHeaders = Arrays.copyOfRange(first, ETH, h);
            PacketBuilder.put16(firstHeaders, 4, 0);
            assertThat(headers).as("unfragmentable part of fragment %d", i).isEqualTo(firstHeaders);
            assertThat(f[ETH + namedAt(Arrays.copyOfRange(f, ETH, f.length), unfragmentable)])
                    .as("fragment %d names its Fragment header", i).isEqualTo((byte) FRAGMENT);
            assertThat(f[h]).as("next header in fragment %d", i).isEqualTo(first[h]);
            assertThat(f[h + 1]).as("reserved byte of fragment %d", i).isZero();
            assertThat(u16(f, h + 2) & 6).as("reserved bits of fragment %d", i).isZero();
            assertThat(Arrays.copyOfRange(f, h + 4, h + 8)).as("identification of fragment %d", i)
                    .isEqualTo(Arrays.copyOfRange(first, h + 4, h + 8));
            assertThat(offset(f, unfragmentable)).as("offset of fragment %d", i).isEqualTo(data.size());
            assertThat((u16(f, h + 2) & 1) != 0).as("M of fragment %d", i).isEqualTo(!last);
            int bytes = f.length - h - 8;
            if (!last) {
                assertThat(bytes % 8).as("data of fragment %d, in 8-byte units", i).isZero();
            }
            data.write(f, h + 8, bytes);
        }
        byte[] p = new byte[unfragmentable + data.size()];
        System.arraycopy(first, ETH, p, 0, unfragmentable);
        System.arraycopy(data.toByteArray(), 0, p, unfragmentable, data.size());
        p[namedAt(p, unfragmentable)] = first[h];
        PacketBuilder.put16(p, 4, p.length - 40);
        return p;
    }

    /** The identification in a fragment frame with {@code unfragmentable} bytes before its Fragment header. */
    static int identification(byte[] frame, int unfragmentable) {
        int at = ETH + unfragmentable + 4;
        return u16(frame, at) << 16 | u16(frame, at + 2);
    }

    private static int offset(byte[] frame, int unfragmentable) {
        return u16(frame, ETH + unfragmentable + 2) & 0xfff8;
    }

    /** Where the byte naming the header at {@code unfragmentable} is: the last extension header before it, or 6. */
    private static int namedAt(byte[] packet, int unfragmentable) {
        int named = 6;
        for (int at = 40; at < unfragmentable; at += ((packet[at + 1] & 0xff) + 1) * 8) {
            named = at;
        }
        return named;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }
}
