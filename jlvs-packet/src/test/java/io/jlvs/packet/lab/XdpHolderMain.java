package io.jlvs.packet.lab;

import io.jlvs.sys.XdpMode;
import io.jlvs.sys.XdpSteering;
import java.io.IOException;

/**
 * Holds an XDP program on an interface (args: the interface) until its standard input closes, as another XDP
 * user of a link would (a DDoS filter a script starts): while it does, the kernel refuses the director's own
 * program there. Prints {@code attached} once it holds it. Run in the director's namespace by
 * {@link PacketLab#holdXdp}.
 */
final class XdpHolderMain {
    private XdpHolderMain() {
    }

    public static void main(String[] args) throws IOException {
        try (XdpSteering held = XdpSteering.attach(args[0], XdpMode.NATIVE)) {
            System.out.println("attached " + held.ifindex());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input
            }
        }
    }
}
