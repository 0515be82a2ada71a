package io.jlvs.sys;

import io.jlvs.core.IpAddress;

/**
 * One received UDP datagram with the TTL (IPv4) or hop limit (IPv6) it arrived with.
 *
 * @param destination the local address it was sent to, or null when unknown
 * @param ttl         -1 when the kernel did not report it
 */
public record UdpDatagram(IpAddress source, int sourcePort, IpAddress destination, byte[] data, int length, int ttl) {
}
