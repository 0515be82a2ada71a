package io.jlvs.packet.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.Shell;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: Wireshark's own `ipvs` dissector (Debian's tshark) reads a message our writer built, from a
 * pcap of the UDP datagram to 224.0.0.81:8848, and finds the fields where the kernel puts them.
 */
class SyncTsharkInteropTest {
    @TempDir
    Path dir;

    /** A classic pcap with one Ethernet frame: IPv4/UDP from 10.77.0.2:40000 to 224.0.0.81:8848. */
    private static byte[] pcap(byte[] payload) {
        int udpLen = 8 + payload.length;
        int ipLen = 20 + udpLen;
        ByteBuffer frame = ByteBuffer.allocate(14 + ipLen);
        frame.put(new byte[] {0x01, 0x00, 0x5e, 0x00, 0x00, 0x51, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00});
        int ip = frame.position();
        frame.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) 1).putShort((short) 0)
                .put((byte) 1).put((byte) 17).putShort((short) 0)
                .put(new byte[] {10, 77, 0, 2}).put(new byte[] {(byte) 224, 0, 0, 81});
        int sum = 0;
        for (int i = ip; i < ip + 20; i += 2) {
            sum += frame.getShort(i) & 0xffff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        frame.putShort(ip + 10, (short) ~sum);
        frame.putShort((short) 40000).putShort((short) SyncProtocol.DEFAULT_PORT).putShort((short) udpLen)
                .putShort((short) 0).put(payload);
        ByteBuffer file = ByteBuffer.allocate(24 + 16 + frame.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        file.putInt(0).putInt(0).putInt(frame.capacity()).putInt(frame.capacity()).put(frame.array());
        return file.array();
    }

    @Test
    void wiresharksDissectorReadsOurVersionOneMessage() throws Exception {
        String tshark = Lab.requireCommand("tshark", "tshark");
        SyncMessageWriter w = new SyncMessageWriter(42, 1472);
        w.addV4(6, SyncProtocol.F_DROUTE | SyncProtocol.F_NOOUTPUT, 1, 49152, 80, 8080, 0, 900,
                IpAddress.parse("192.0.2.10").v4(), IpAddress.parse("10.77.0.100").v4(),
                IpAddress.parse("10.0.0.11").v4());
        w.add(new SyncConn(17, SyncProtocol.F_MASQ, 0, IpAddress.parse("2001:db8::a"), 5353,
                IpAddress.parse("2001:db8::64"), 53, IpAddress.parse("2001:db8::b"), 5300, 7, 300, null, null));
        byte[] payload = new byte[w.message().remaining()];
        w.message().get(payload);
        Path file = dir.resolve("sync.pcap");
        Files.write(file, pcap(payload));

        Shell.Result r = Shell.run(List.of(tshark, "-r", file.toString(), "-T", "fields", "-E", "separator=|",
                "-e", "ipvs.syncid", "-e", "ipvs.conncount", "-e", "ipvs.version", "-e", "ipvs.size",
                "-e", "ipvs.type", "-e", "ipvs.proto", "-e", "ipvs.cport", "-e", "ipvs.vport", "-e", "ipvs.dport",
                "-e", "ipvs.flags.v1", "-e", "ipvs.timeout", "-e", "ipvs.fwmark",
                "-e", "ipvs.caddr", "-e", "ipvs.vaddr", "-e", "ipvs.daddr",
                "-e", "ipvs.caddr6", "-e", "ipvs.vaddr6", "-e", "ipvs.daddr6"), 60).orThrow("tshark");
        String line = r.output().lines().filter(l -> l.startsWith("42|")).findFirst().orElseThrow(
                () -> new AssertionError("tshark did not decode the message:\n" + r.output()));
        String[] f = line.split("\\|", -1);
        assertThat(f[0]).isEqualTo("42");                                  // syncid
        assertThat(f[1]).isEqualTo("2");                                   // records
        assertThat(f[2]).isEqualTo("1");                                   // version
        assertThat(f[3]).isEqualTo(String.valueOf(8 + 36 + 72));           // size
        assertThat(f[4]).isEqualTo("0,1");                                 // types: IPv4, IPv6
        assertThat(f[5]).isEqualTo("0x06,0x11");
        assertThat(f[6]).isEqualTo("49152,5353");
        assertThat(f[7]).isEqualTo("80,53");
        assertThat(f[8]).isEqualTo("8080,5300");
        assertThat(f[9]).isEqualTo("0x00000083,0x00000000");              // DROUTE | NOOUTPUT, MASQ
        assertThat(f[10]).isEqualTo("900,300");
        assertThat(f[11]).isEqualTo("0x00000000,0x00000007");
        assertThat(f[12]).isEqualTo("192.0.2.10");
        assertThat(f[13]).isEqualTo("10.77.0.100");
        assertThat(f[14]).isEqualTo("10.0.0.11");
        assertThat(f[15]).isEqualTo("2001:db8::a");
        assertThat(f[16]).isEqualTo("2001:db8::64");
        assertThat(f[17]).isEqualTo("2001:db8::b");
    }
}
