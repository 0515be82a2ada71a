package io.jlvs.vrrp.lab;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.RawIpSocket;
import java.util.Arrays;
import java.util.HexFormat;

/** Lab helper run inside a namespace: sends whole IPv4 packets (hex, one per argument) out of {@code args[0]}. */
public final class InjectMain {
    private InjectMain() {
    }

    public static void main(String[] args) {
        try (RawIpSocket s = RawIpSocket.open(112, true)) {
            s.bindToDevice(args[0]);
            for (String hex : Arrays.asList(args).subList(1, args.length)) {
                byte[] packet = HexFormat.of().parseHex(hex);
                s.send(IpAddress.of(Arrays.copyOfRange(packet, 16, 20)), packet);
            }
        }
        System.out.println("SENT " + (args.length - 1));
    }
}
