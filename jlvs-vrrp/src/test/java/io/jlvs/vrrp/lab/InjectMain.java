package io.jlvs.vrrp.lab;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.RawIp6Socket;
import io.jlvs.sys.RawIpSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Lab helper run inside a namespace: sends whole IP packets (hex, one per argument) out of {@code args[0]}. IPv4
 * packets go out as written (IP_HDRINCL); for IPv6 ones the kernel writes the header from the packet's source (it
 * must be configured here), destination and hop limit, and the payload goes out as written.
 */
public final class InjectMain {
    private InjectMain() {
    }

    public static void main(String[] args) throws Exception {
        int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", args[0], "ifindex")).trim());
        try (RawIpSocket s = RawIpSocket.open(112, true)) {
            s.bindToDevice(args[0]);
            for (String hex : Arrays.asList(args).subList(1, args.length)) {
                byte[] packet = HexFormat.of().parseHex(hex);
                if ((packet[0] & 0xf0) == 0x60) {
                    send6(args[0], ifindex, packet);
                } else {
                    s.send(IpAddress.of(Arrays.copyOfRange(packet, 16, 20)), packet);
                }
            }
        }
        System.out.println("SENT " + (args.length - 1));
    }

    private static void send6(String dev, int ifindex, byte[] packet) {
        IpAddress from = IpAddress.of(Arrays.copyOfRange(packet, 8, 24));
        IpAddress to = IpAddress.of(Arrays.copyOfRange(packet, 24, 40));
        try (RawIp6Socket s = RawIp6Socket.open(packet[6] & 0xff)) {
            s.bindToDevice(dev);
            s.bind(from, 0);
            s.multicastInterface(ifindex);
            s.hopLimit(packet[7] & 0xff);
            s.send(to, ifindex, java.lang.foreign.MemorySegment.ofArray(packet), 40, packet.length - 40);
        }
    }
}
