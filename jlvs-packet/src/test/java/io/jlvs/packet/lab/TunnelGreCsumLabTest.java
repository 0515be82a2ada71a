package io.jlvs.packet.lab;

/**
 * The TUN lab with GRE and checksums ({@code --tun-type gre --tun-csum}): every packet's GRE checksum, over
 * the whole inner datagram, is verified by the agents, which drop those that do not add up.
 */
class TunnelGreCsumLabTest extends TunnelLabTest {
    @Override
    String method() {
        return "TunnelGreCsum";
    }

    /** Outer IPv4 and the 8-byte GRE header with checksum and reserved. */
    @Override
    int tunnelMtu() {
        return 1500 - 20 - 8;
    }
}
