package io.jlvs.packet.lab;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The IPv6 lab in DR with two packet workers: the fanout program hashes IPv6 clients by address, so
 * the requests come from 12 client addresses in turn and both workers forward IPv6. Until
 * 2026-11-28 every IPv6 frame went to worker 0.
 */
class Ipv6DirectRoutingTwoWorkersLabTest extends Ipv6PacketLabSuite {
    @Override
    String method() {
        return "Route";
    }

    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.workers", "2");
    }

    @Override
    List<String> clientSources() {
        return IntStream.range(0, 12).mapToObj(i -> "2001:db8:77::" + Integer.toHexString(0x20 + i)).toList();
    }
}
